import { Badge } from "@/components/ui/badge";
import type { AlertView } from "@/lib/budgets/alerts";
import { PERIOD_LABEL } from "@/lib/budgets/period";
import { formatMicros } from "@/lib/costs/estimate";

/** The newest soft-limit and exhausted alerts (each written once per budget and period). */
export function AlertsList({ alerts, labels }: { alerts: AlertView[]; labels: Record<string, string> }) {
  if (alerts.length === 0) return <p className="text-sm text-stone-500">No alerts yet. A budget passing its alert level or running out shows up here and on Home.</p>;
  return (
    <ul className="divide-y divide-stone-100 text-sm" data-testid="budget-alerts">
      {alerts.map((a) => (
        <li key={a.id} className="flex items-baseline justify-between gap-3 py-1.5">
          <span>
            <Badge tone={a.level === "exhausted" ? "bad" : "warn"}>{a.level === "exhausted" ? "used up" : "alert"}</Badge>{" "}
            {labels[a.budgetId] ?? `${a.budget.scope} ${a.budget.scopeKey}`} {PERIOD_LABEL[a.budget.period]} at {formatMicros(a.spentMicros)}
          </span>
          <span className="text-xs text-stone-500">{new Date(a.createdAt).toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}
