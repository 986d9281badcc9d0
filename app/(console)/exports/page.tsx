import type { Metadata } from "next";
import { ExportList } from "@/components/delivery/export-list";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { env } from "@/lib/env";
import { listMyExports } from "@/lib/exports/views";
import { getBlobStore } from "@/lib/storage";

export const metadata: Metadata = { title: "Exports" };

export default async function ExportsPage() {
  const ctx = await requirePageCtx("exports.create");
  const exports = await listMyExports({ ctx, store: getBlobStore() });
  return (
    <>
      <PageHeader
        title="Exports"
        description={`Your ZIPs of approved assets in placement sizes and formats, each with a manifest (CSV and JSON). A download stays available for ${env().KILN_EXPORT_TTL_HOURS} hours, then its file is deleted.`}
      />
      <ExportList initial={exports} />
    </>
  );
}
