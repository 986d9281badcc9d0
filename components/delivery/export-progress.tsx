"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { api } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import type { ExportView } from "@/lib/exports/views";

const LIVE = new Set(["queued", "running"]);

export function formatBytes(n: number | null): string {
  if (n === null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatWhen(iso: string | null): string {
  if (!iso) return "";
  // In UTC, so the server's first render and the browser's agree (no hydration mismatch).
  return `${new Date(iso).toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" })} UTC`;
}

const TONE: Record<ExportView["status"], "neutral" | "accent" | "good" | "bad"> = {
  queued: "neutral",
  running: "accent",
  succeeded: "good",
  failed: "bad",
  expired: "neutral",
};

export function ExportStatusBadge({ status }: { status: ExportView["status"] }) {
  const label = { queued: "Queued", running: "Building", succeeded: "Ready", failed: "Failed", expired: "Expired" }[
    status
  ];
  return <Badge tone={TONE[status]}>{label}</Badge>;
}

export function ProgressBar({ done, total }: { done: number; total: number }) {
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label="Files done"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      className="h-2 w-full overflow-hidden rounded-full bg-stone-200"
    >
      <div className="h-full rounded-full bg-kiln-600 transition-all" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** One export: a live progress bar (files done / total) while it builds, then the download with its size and expiry; held-back assets with reasons throughout. */
export function ExportProgress({ initial }: { initial: ExportView }) {
  const q = useQuery({
    queryKey: ["export", initial.id],
    queryFn: () => api<{ export: ExportView }>(`/api/exports/${initial.id}`).then((r) => r.export),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && LIVE.has(query.state.data.status) ? 1000 : false),
  });
  const e = q.data;
  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-stone-200 bg-white p-5" data-testid="export-status">
        <div className="flex flex-wrap items-center gap-3">
          <ExportStatusBadge status={e.status} />
          <span className="text-sm text-stone-600" data-testid="export-files">
            {e.filesDone.toLocaleString("en-US")} / {e.filesTotal.toLocaleString("en-US")} files
          </span>
          <span className="text-sm text-stone-500">
            {e.assetsIncluded} asset{e.assetsIncluded === 1 ? "" : "s"} · {e.placements.join(", ") || "no placements"}
            {e.includeOriginal ? " + original" : ""} · {e.formats.map((f) => f.toUpperCase()).join(", ")}
          </span>
        </div>
        <div className="mt-3">
          <ProgressBar done={e.filesDone} total={e.filesTotal} />
        </div>
        {LIVE.has(e.status) && (
          <p className="mt-2 text-xs text-stone-500">
            Rendering in the background; you can leave this page and come back (Exports in the menu). We will notify you
            when it is ready.
          </p>
        )}
        {e.status === "succeeded" && e.downloadable && (
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <a
              href={`/api/exports/${e.id}/download`}
              className="inline-flex items-center justify-center gap-2 rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
              data-testid="export-download"
            >
              Download ZIP ({formatBytes(e.bytes)})
            </a>
            <span className="text-sm text-stone-600" data-testid="export-expiry">
              Available until {formatWhen(e.expiresAt)}
            </span>
          </div>
        )}
        {e.status === "expired" && (
          <p className="mt-3 text-sm text-stone-600">
            This export expired on {formatWhen(e.expiresAt)} and its file was deleted. Export the assets again to get a
            new one.
          </p>
        )}
        {e.status === "failed" && (
          <div className="mt-3">
            <Alert tone="error">
              The export failed: {e.error ?? "unknown reason"}. Try it again from the library, collection or job.
            </Alert>
          </div>
        )}
      </section>
      <section aria-labelledby="held-back" className="rounded-lg border border-stone-200 bg-white p-5">
        <h2 id="held-back" className="text-sm font-semibold text-stone-900">
          Held back ({e.heldBack.length})
        </h2>
        {e.heldBack.length === 0 ? (
          <p className="mt-1 text-sm text-stone-500">
            Nothing held back: every selected asset was approved with confirmed alt text.
          </p>
        ) : (
          <>
            <p className="mt-1 text-sm text-stone-500">
              These assets are not in the ZIP (held-back.csv inside lists them too). Fix the reason, then export them
              again.
            </p>
            <ul className="mt-3 divide-y divide-stone-100 text-sm" data-testid="export-held-back-list">
              {e.heldBack.map((h) => (
                <li key={h.assetId} className="flex flex-wrap gap-x-3 py-1.5">
                  <Link href={`/assets/${h.assetId}`} className="font-medium text-kiln-700 hover:underline">
                    {h.title}
                  </Link>
                  <span className="text-stone-600">{h.reasons.join("; ")}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
