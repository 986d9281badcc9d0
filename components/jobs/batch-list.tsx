"use client";

import { BATCH_STATUS_LABEL, plural } from "@/lib/labels";
import Link from "@/components/ui/link";
import { formatMicros } from "@/lib/costs/estimate";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ProgressBar } from "./progress-bar";
import { useBatches } from "./use-batches";

export const BATCH_TONE = { queued: "warn", running: "accent", completed: "good", cancelled: "neutral" } as const;

export function BatchList() {
  const batches = useBatches();
  if (batches.isError) return <Alert tone="error">Could not load jobs: {batches.error.message}</Alert>;
  if (batches.isPending) return <p className="text-sm text-stone-500">Loading jobs…</p>;
  if (batches.data.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center text-sm text-stone-500">
        No jobs yet.{" "}
        <Link href="/generate" className="font-medium text-kiln-700 hover:underline">
          Queue your first generation
        </Link>
        .
      </div>
    );
  }
  return (
    <ul className="space-y-3">
      {batches.data.map((b) => (
        <li key={b.id} className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm" data-testid="batch-item">
          <div className="flex items-start justify-between gap-4">
            <div className="min-w-0">
              <Link href={`/jobs/${b.id}`} className="font-medium text-kiln-700 hover:underline">
                {b.name}
              </Link>
              <div className="text-xs text-stone-500">
                {new Date(b.createdAt).toLocaleString()} · {b.owner} · {plural(b.total, "image")}
                {b.campaign ? ` · ${b.campaign}` : ""}
              </div>
            </div>
            <div className="flex shrink-0 items-center gap-3 text-sm">
              <span className="tabular-nums text-stone-600">
                {formatMicros(b.spentMicros)}{" "}
                <span className="text-stone-500">of ~{formatMicros(b.estimateMicros)}</span>
              </span>
              <Badge tone={BATCH_TONE[b.status]}>{BATCH_STATUS_LABEL[b.status]}</Badge>
            </div>
          </div>
          <div className="mt-3">
            <ProgressBar counts={b.counts} total={b.total} />
          </div>
        </li>
      ))}
    </ul>
  );
}
