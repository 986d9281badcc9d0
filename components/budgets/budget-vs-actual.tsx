import { Badge } from "@/components/ui/badge";
import type { BudgetStatus } from "@/lib/budgets/status";
import { formatMicros } from "@/lib/costs/estimate";
import { PERIOD_LABEL } from "@/lib/budgets/period";
import { share, UsageBar } from "./usage-bar";

export const STATE_TONE = { ok: "good", soft: "warn", exhausted: "bad", inactive: "neutral" } as const;
export const STATE_LABEL = {
  ok: "within budget",
  soft: "past alert",
  exhausted: "used up",
  inactive: "inactive",
} as const;

/** One budget's spend (and images) against its limit, with the forecast to period end. */
export function BudgetUsage({ s }: { s: BudgetStatus }) {
  const soft = s.softLimitPercent / 100;
  return (
    <div className="space-y-2">
      {s.limitMicros !== null && (
        <UsageBar
          label="Spend"
          used={share(s.spentMicros, s.limitMicros)}
          soft={soft}
          forecast={share(s.forecastMicros, s.limitMicros)}
          text={`${formatMicros(s.spentMicros)} of ${formatMicros(s.limitMicros)} · forecast ${formatMicros(s.forecastMicros)}`}
          testId="budget-spend"
        />
      )}
      {s.limitImages !== null && (
        <UsageBar
          label="Images"
          used={share(s.images, s.limitImages)}
          soft={soft}
          text={`${s.images.toLocaleString("en-US")} of ${s.limitImages.toLocaleString("en-US")}`}
          testId="budget-images"
        />
      )}
    </div>
  );
}

/**
 * Budget vs actual per campaign, team and user for the Costs page: what each active budget has
 * spent this period, its limit, and where the linear forecast puts it at period end.
 */
export function BudgetVsActual({ statuses }: { statuses: BudgetStatus[] }) {
  const active = statuses.filter((s) => s.active);
  if (active.length === 0)
    return <p className="text-sm text-stone-500">No budgets yet. Finance and admins set them on Budgets.</p>;
  return (
    <ul className="space-y-4" data-testid="budget-vs-actual">
      {active.map((s) => (
        <li key={s.id}>
          <div className="mb-1 flex items-center justify-between gap-2 text-sm">
            <span className="font-medium">
              {s.label} <span className="font-normal text-stone-500">{PERIOD_LABEL[s.period]}</span>
            </span>
            <Badge tone={STATE_TONE[s.state]}>{STATE_LABEL[s.state]}</Badge>
          </div>
          <BudgetUsage s={s} />
        </li>
      ))}
    </ul>
  );
}
