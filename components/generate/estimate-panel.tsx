"use client";

import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { formatDuration } from "@/components/runs/format";
import type { BudgetHeadroom } from "@/lib/budgets/queue-check";
import { formatMicros, formatUnitMicros } from "@/lib/costs/estimate";
import type { EstimateAccuracy } from "@/lib/generation/estimate";
import { plural } from "@/lib/labels";

export type EstimateView = {
  images: number;
  micros: number;
  seconds: number;
  accuracy?: EstimateAccuracy;
  rows: number;
  samplePrompt: string;
  /** The first image's title (the template's title pattern); "" when the template has none. */
  sampleTitle?: string;
  preset: { name: string; tier: string; isSimulator: boolean };
  /** What each applicable budget has left, and the refusal Queue would meet. */
  budgets?: { headroom: BudgetHeadroom[]; refusal: string | null };
};

export function EstimatePanel({
  estimate,
  error,
  loading,
  hint,
}: {
  estimate?: EstimateView;
  error?: string;
  loading: boolean;
  hint?: string;
}) {
  if (error) return <Alert tone="error">{error}</Alert>;
  if (!estimate)
    return (
      <p className="text-sm text-stone-500" data-testid="estimate-hint">
        {hint ?? (loading ? "Estimating…" : "Fill in the form to see the estimate.")}
      </p>
    );
  return (
    <div className="space-y-3" data-testid="estimate">
      <dl className="grid grid-cols-3 gap-3 text-center">
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Images</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="estimate-images">
            {estimate.images.toLocaleString("en-US")}
          </dd>
        </div>
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Estimated cost</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="estimate-cost">
            {formatMicros(estimate.micros)}
          </dd>
        </div>
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Estimated time</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatDuration(estimate.seconds * 1000)}</dd>
        </div>
      </dl>
      {estimate.images > 0 && (
        <p className="text-center text-xs text-stone-500" data-testid="estimate-per-image">
          {formatUnitMicros(Math.round(estimate.micros / estimate.images))} per image
        </p>
      )}
      {estimate.accuracy && <AccuracyNote accuracy={estimate.accuracy} />}
      {estimate.budgets && <BudgetHeadroomList budgets={estimate.budgets} />}
      <div className="text-xs text-stone-500">
        {estimate.preset.name} <Badge tone="accent">{estimate.preset.tier}</Badge>{" "}
        {estimate.preset.isSimulator && <Badge tone="warn">GPU simulator</Badge>}
      </div>
      {estimate.sampleTitle && (
        <p className="text-xs text-stone-600" data-testid="estimate-title">
          <span className="font-medium text-stone-500">First image titled:</span> {estimate.sampleTitle}
        </p>
      )}
      {estimate.samplePrompt && (
        <div>
          <div className="text-xs font-medium text-stone-500">Prompt sent to the GPU (first row)</div>
          <p className="mt-1 rounded-md bg-stone-50 p-2 font-mono text-xs text-stone-700">{estimate.samplePrompt}</p>
        </div>
      )}
    </div>
  );
}

/** Before Queue: what the campaign's, team's and user's budgets have left; a batch that does not fit says so. */
function BudgetHeadroomList({ budgets }: { budgets: NonNullable<EstimateView["budgets"]> }) {
  if (budgets.headroom.length === 0 && !budgets.refusal) return null;
  return (
    <div className="space-y-2" data-testid="estimate-budgets">
      {budgets.headroom.length > 0 && (
        <ul className="space-y-1 text-xs">
          {budgets.headroom.map((h) => (
            <li
              key={h.budgetId}
              className={`flex justify-between gap-2 ${h.fitsMoney && h.fitsImages ? "text-stone-600" : "font-medium text-red-700"}`}
            >
              <span>
                Budget for {h.label} ({h.period})
              </span>
              <span className="tabular-nums" data-testid="budget-remaining">
                {[
                  h.remainingMicros !== null
                    ? `${formatMicros(h.remainingMicros)} left${h.committedMicros > 0 ? ` (after ${formatMicros(h.committedMicros)} queued)` : ""}`
                    : null,
                  h.remainingImages !== null ? `${plural(h.remainingImages, "image")} left` : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
            </li>
          ))}
        </ul>
      )}
      {budgets.refusal && <Alert tone="error">{budgets.refusal}</Alert>}
    </div>
  );
}

/** How far the cost figure can be trusted: exact prices, the endpoint's measured GPU time (with its range), or the preset's guess. */
function AccuracyNote({ accuracy }: { accuracy: EstimateAccuracy }) {
  const text =
    accuracy.kind === "exact"
      ? "Exact: this preset is priced per image or per megapixel."
      : accuracy.kind === "measured"
        ? `From this endpoint's measured GPU time (median ${accuracy.medianSeconds.toFixed(2)} s over ${plural(accuracy.runs, "recent run")}): likely ${formatMicros(accuracy.lowMicros)}–${formatMicros(accuracy.highMicros)}.`
        : `From the preset's expected ${accuracy.expectedSeconds} s per image: nothing measured on this endpoint yet, so the actual cost may differ.`;
  return (
    <p className="text-xs text-stone-500" data-testid="estimate-accuracy" data-accuracy={accuracy.kind}>
      {text}
    </p>
  );
}
