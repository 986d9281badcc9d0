import type { Metadata } from "next";
import { ReviewWorkspace } from "@/components/review/review-workspace";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "Review" };

export default async function ReviewPage() {
  await requirePageCtx("review.decide");
  return (
    <>
      <PageHeader
        title="Review"
        description="Assets waiting for a decision, oldest first. Hero assets need two reviewers; you never see your own work. Decide by keyboard."
      />
      <ReviewWorkspace />
    </>
  );
}
