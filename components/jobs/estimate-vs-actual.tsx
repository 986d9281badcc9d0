import { formatMicros } from "@/lib/costs/estimate";
import type { EstimateVsActual } from "@/lib/generation/batch-views";

/** The batch's estimate against its ledger: spent so far, the error, and where retries and re-rolls went. */
export function EstimateVsActualPanel({ costs, live }: { costs: EstimateVsActual; live: boolean }) {
  const error = costs.errorPercent;
  const tone = error === null ? "" : Math.abs(error) <= 10 ? "text-emerald-700" : "text-amber-700";
  return (
    <div className="mt-4 border-t border-stone-100 pt-4 text-sm" data-testid="estimate-vs-actual">
      <div className="text-xs uppercase tracking-wide text-stone-500">Estimate vs actual{live ? " (so far)" : ""}</div>
      <dl className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-6">
        <Item
          label={live ? "Estimate (finished share)" : "Estimate"}
          value={
            live
              ? `${formatMicros(costs.expectedSoFarMicros)} of ${formatMicros(costs.estimateMicros)}`
              : formatMicros(costs.estimateMicros)
          }
        />
        <Item label="Actual" value={formatMicros(costs.actualMicros)} testId="actual-micros" />
        <Item
          label="Error"
          value={error === null ? "after the first image" : `${error > 0 ? "+" : ""}${error.toFixed(1)}%`}
          className={tone}
          testId="estimate-error"
        />
        <Item label="First attempts" value={formatMicros(costs.firstAttemptMicros)} />
        <Item label={`Retries (${costs.retryCalls})`} value={formatMicros(costs.retryMicros)} />
        <Item label={`Re-rolls (${costs.rerollCalls})`} value={formatMicros(costs.rerollMicros)} />
      </dl>
      {costs.editMicros > 0 && (
        <p className="mt-1 text-xs text-stone-500">
          Edits of this batch&apos;s assets: {formatMicros(costs.editMicros)} (included in actual).
        </p>
      )}
    </div>
  );
}

function Item({
  label,
  value,
  className = "",
  testId,
}: {
  label: string;
  value: string;
  className?: string;
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-xs text-stone-500">{label}</dt>
      <dd className={`font-medium tabular-nums ${className}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
