import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { BatchList } from "@/components/jobs/batch-list";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const { actor } = await requirePageCtx("batches.view");
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Every batch you queued, newest first, with live progress."
        actions={
          can(actor.role, "generations.create") && (
            <Link
              href="/generate"
              className="rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
            >
              New generation
            </Link>
          )
        }
      />
      <BatchList />
    </>
  );
}
