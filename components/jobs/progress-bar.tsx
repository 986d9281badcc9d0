import type { BatchCounts } from "@/lib/generation/batch-views";
import { progressWords } from "@/lib/generation/progress-words";

const SEGMENTS = [
  { key: "succeeded", label: "done", className: "bg-emerald-500" },
  { key: "running", label: "running", className: "bg-kiln-500 animate-pulse" },
  { key: "dead_lettered", label: "failed", className: "bg-red-500" },
  { key: "cancelled", label: "cancelled", className: "bg-stone-400" },
] as const;

/** Done / running / failed / cancelled as one bar; the rest is queued. */
export function ProgressBar({ counts, total }: { counts: BatchCounts; total: number }) {
  const done = counts.succeeded + counts.dead_lettered + counts.cancelled;
  // Re-rolls add generations beyond the planned images: the bar's whole is whichever is larger.
  const words = progressWords(counts, total);
  const whole = Math.max(total, words.generations, 1);
  return (
    <div>
      <div
        className="flex h-2.5 overflow-hidden rounded-full bg-stone-200"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={whole}
        aria-valuenow={done}
        aria-label="Batch progress"
      >
        {SEGMENTS.map((s) =>
          counts[s.key] ? (
            <div key={s.key} className={s.className} style={{ width: `${(counts[s.key] / whole) * 100}%` }} />
          ) : null,
        )}
      </div>
      <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-stone-500" data-testid="batch-counts">
        {words.parts.map((p) => (
          <span key={p} className={p.endsWith(" failed") && counts.dead_lettered ? "text-red-700" : ""}>
            {p}
          </span>
        ))}
      </div>
    </div>
  );
}
