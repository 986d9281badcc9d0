import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "templates" };

// Placeholder until the admin page lands in this session; see docs/ and the closing note.
export default async function Page() {
  await requirePageCtx("catalog.manage");
  return (
    <>
      <PageHeader title="templates" />
      <Card>
        <p className="text-sm text-stone-500">Coming with the generation module.</p>
      </Card>
    </>
  );
}
