import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ExportProgress } from "@/components/delivery/export-progress";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getExport } from "@/lib/exports/views";
import { notFoundOnAppError } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Export" };

export default async function ExportPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageCtx("exports.create");
  const { id } = await params;
  const view = await notFoundOnAppError(getExport({ ctx, exportId: id }));
  return (
    <>
      <Link href="/exports" className="text-sm text-stone-500 hover:text-stone-800">
        ← Exports
      </Link>
      <PageHeader title={view.name || "Export"} description={`Created ${new Date(view.createdAt).toUTCString()}`} />
      <ExportProgress initial={view} />
    </>
  );
}
