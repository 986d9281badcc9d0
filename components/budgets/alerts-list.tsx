import { Badge } from "@/components/ui/badge";
import type { AlertView } from "@/lib/budgets/alerts";
import { PERIOD_LABEL } from "@/lib/budgets/period";
import { formatMicros } from "@/lib/costs/estimate";

/** "renewed": a new period started after the budget ran out (lib/budgets/rollover.ts). */
const BADGE: Record<string, { tone: "bad" | "warn" | "good"; label: string }> = {
  exhausted: { tone: "bad", label: "used up" },
  soft: { tone: "warn", label: "alert" },
  renewed: { tone: "good", label: "new period" },
};

/** The newest soft-limit and exhausted alerts (each written once per budget and period). */
export function AlertsList({ alerts, labels }: { alerts: AlertView[]; labels: Record<string, string> }) {
  if (alerts.length === 0)
    return (
      <p className="text-sm text-stone-500">
        No alerts yet. A budget passing its alert level or running out shows up here and on Home.
      </p>
    );
  return (
    <ul className="divide-y divide-stone-100 text-sm" data-testid="budget-alerts">
      {alerts.map((a) => (
        <li key={a.id} className="flex items-baseline justify-between gap-3 py-1.5">
          <span>
            <Badge tone={BADGE[a.level]?.tone ?? "warn"}>{BADGE[a.level]?.label ?? "alert"}</Badge>{" "}
            {labels[a.budgetId] ?? `${a.budget.scope} ${a.budget.scopeKey}`} {PERIOD_LABEL[a.budget.period]}{" "}
            {a.level === "renewed"
              ? `after ${formatMicros(a.spentMicros)} last period`
              : `at ${formatMicros(a.spentMicros)}`}
          </span>
          <span className="text-xs text-stone-500">{new Date(a.createdAt).toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}
