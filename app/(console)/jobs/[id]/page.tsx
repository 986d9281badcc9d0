import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ExportDialog } from "@/components/delivery/export-dialog";
import { BatchDetailView } from "@/components/jobs/batch-detail";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ engine?: string }>;
}) {
  const ctx = await requirePageCtx("batches.view");
  const [{ id }, query] = await Promise.all([params, searchParams]);
  return (
    <>
      <div className="flex items-center justify-between gap-4">
        <Link href="/jobs" className="text-sm text-stone-500 hover:text-stone-800">
          ← All jobs
        </Link>
        {can(ctx.actor.role, "exports.create") && (
          <ExportDialog selection={{ batchId: id }} label="This job's approved assets" buttonText="Export approved…" />
        )}
      </div>
      <BatchDetailView id={id} engineUnreachable={query.engine === "unreachable"} />
    </>
  );
}
