"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { api } from "@/components/api-client";
import type { ExportView } from "@/lib/exports/views";
import { ExportStatusBadge, formatBytes, formatWhen, ProgressBar } from "./export-progress";

/** My exports, refreshed every two seconds while one is building. */
export function ExportList({ initial }: { initial: ExportView[] }) {
  const q = useQuery({
    queryKey: ["exports"],
    queryFn: () => api<{ exports: ExportView[] }>("/api/exports").then((r) => r.exports),
    initialData: initial,
    refetchInterval: (query) =>
      query.state.data?.some((e) => e.status === "queued" || e.status === "running") ? 2000 : false,
  });
  if (q.data.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-sm text-stone-500">
        No exports yet. Select assets in the{" "}
        <Link href="/assets" className="font-medium text-kiln-700 hover:underline">
          library
        </Link>{" "}
        (or open a collection or a job) and choose “Export…”: pick placements and formats, and a ZIP with a manifest is
        built in the background.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white" data-testid="export-list">
      {q.data.map((e) => (
        <li key={e.id} className="flex flex-wrap items-center gap-4 px-4 py-3">
          <div className="min-w-56 flex-1">
            <Link href={`/exports/${e.id}`} className="font-medium text-stone-900 hover:text-kiln-700 hover:underline">
              {e.name || "Export"}
            </Link>
            <p className="text-xs text-stone-500">
              {formatWhen(e.createdAt)} · {e.assetsIncluded} asset{e.assetsIncluded === 1 ? "" : "s"} · {e.filesTotal}{" "}
              files
              {e.heldBack.length ? ` · ${e.heldBack.length} held back` : ""}
            </p>
          </div>
          <div className="w-40">
            {e.status === "queued" || e.status === "running" ? (
              <ProgressBar done={e.filesDone} total={e.filesTotal} />
            ) : null}
          </div>
          <ExportStatusBadge status={e.status} />
          <div className="w-56 text-right text-sm">
            {e.downloadable ? (
              <span>
                <a href={`/api/exports/${e.id}/download`} className="font-medium text-kiln-700 hover:underline">
                  Download ({formatBytes(e.bytes)})
                </a>
                <span className="block text-xs text-stone-500">until {formatWhen(e.expiresAt)}</span>
              </span>
            ) : e.status === "failed" ? (
              <span className="text-xs text-red-700">{e.error}</span>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
