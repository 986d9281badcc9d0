import type { Metadata } from "next";
import Link from "next/link";
import { BatchDetailView } from "@/components/jobs/batch-detail";
import { requirePageCtx } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ engine?: string }> }) {
  await requirePageCtx("batches.view");
  const [{ id }, query] = await Promise.all([params, searchParams]);
  return (
    <>
      <Link href="/jobs" className="text-sm text-stone-500 hover:text-stone-800">
        ← All jobs
      </Link>
      <BatchDetailView id={id} engineUnreachable={query.engine === "unreachable"} />
    </>
  );
}
