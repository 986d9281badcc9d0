import type { BatchCounts } from "@/lib/generation/batch-views";

const SEGMENTS = [
  { key: "succeeded", label: "done", className: "bg-emerald-500" },
  { key: "running", label: "running", className: "bg-kiln-500 animate-pulse" },
  { key: "dead_lettered", label: "failed", className: "bg-red-500" },
  { key: "cancelled", label: "cancelled", className: "bg-stone-400" },
] as const;

/** Done / running / failed / cancelled as one bar; the rest is queued. */
export function ProgressBar({ counts, total }: { counts: BatchCounts; total: number }) {
  const done = counts.succeeded + counts.dead_lettered + counts.cancelled;
  return (
    <div>
      <div
        className="flex h-2.5 overflow-hidden rounded-full bg-stone-200"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label="Batch progress"
      >
        {SEGMENTS.map((s) =>
          counts[s.key] ? <div key={s.key} className={s.className} style={{ width: `${(counts[s.key] / Math.max(total, 1)) * 100}%` }} /> : null,
        )}
      </div>
      <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-stone-500" data-testid="batch-counts">
        <span>{counts.succeeded} done</span>
        <span>{counts.running} running</span>
        <span>{counts.queued} queued</span>
        <span className={counts.dead_lettered ? "text-red-700" : ""}>{counts.dead_lettered} failed</span>
        {counts.cancelled > 0 && <span>{counts.cancelled} cancelled</span>}
      </div>
    </div>
  );
}
