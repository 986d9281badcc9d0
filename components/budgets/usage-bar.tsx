/**
 * Used against a limit as one bar: the used share, a tick at the soft-limit alert and a faint
 * extension to the forecast at period end. Values are shares of the limit (1 = the limit).
 */
export function UsageBar({
  label,
  used,
  soft,
  forecast,
  text,
  testId,
}: {
  label: string;
  used: number;
  soft: number;
  forecast?: number;
  text: string;
  testId?: string;
}) {
  const pct = (v: number) => `${Math.min(100, Math.max(0, v * 100))}%`;
  const tone = used >= 1 ? "bg-red-500" : used >= soft ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div data-testid={testId}>
      <div className="flex justify-between text-xs text-stone-500">
        <span>{label}</span>
        <span className="tabular-nums text-stone-700">{text}</span>
      </div>
      <div
        className="relative mt-1 h-2.5 overflow-hidden rounded-full bg-stone-200"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(Math.min(1, used) * 100)}
      >
        {forecast !== undefined && forecast > used && (
          <div
            className="absolute inset-y-0 left-0 bg-stone-300"
            style={{ width: pct(forecast) }}
            title="Forecast to period end"
          />
        )}
        <div className={`absolute inset-y-0 left-0 ${tone}`} style={{ width: pct(used) }} />
        <div
          className="absolute inset-y-0 w-0.5 bg-stone-700/60"
          style={{ left: pct(soft) }}
          title={`Alert at ${Math.round(soft * 100)}%`}
        />
      </div>
    </div>
  );
}

/** a ÷ b as a float for drawing only (money stays integer micros everywhere else). */
export function share(a: number, b: number | null): number {
  return b && b > 0 ? a / b : 0;
}
