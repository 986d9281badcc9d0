"use client";

import { useState, useTransition } from "react";
import { deactivateBudgetAction } from "@/app/(console)/budgets/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { BudgetScopeOptions } from "@/lib/budgets/manage";
import { PERIOD_LABEL } from "@/lib/budgets/period";
import type { BudgetStatus } from "@/lib/budgets/status";
import type { ActionResult } from "@/lib/http/action-result";
import { BudgetForm } from "./budget-form";
import { BudgetUsage, STATE_LABEL, STATE_TONE } from "./budget-vs-actual";
import { useConfirm } from "@/components/ui/use-confirm";

/** Every budget as a card: spend and images against the limit, forecast, alert marker, state; edit or deactivate. */
export function BudgetList({ statuses, options }: { statuses: BudgetStatus[]; options: BudgetScopeOptions }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [feedback, setFeedback] = useState<ActionResult<unknown> | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  if (statuses.length === 0)
    return (
      <p className="rounded-lg border border-dashed border-stone-300 p-6 text-center text-sm text-stone-500">
        No budgets yet. Add one for a campaign, a team or a user with the form.
      </p>
    );
  return (
    <div className="space-y-3">
      {confirmDialog}
      {feedback && !feedback.ok && <Alert tone="error">{feedback.error.message}</Alert>}
      <ul className="grid gap-3 lg:grid-cols-2">
        {statuses.map((s) => (
          <li
            key={s.id}
            className={`rounded-lg border border-stone-200 bg-white p-4 shadow-sm ${s.active ? "" : "opacity-60"}`}
            data-testid="budget-card"
            data-label={s.label}
          >
            <div className="mb-3 flex items-start justify-between gap-2">
              <div>
                <div className="font-medium">{s.label}</div>
                <div className="text-xs text-stone-500">
                  {/* ISO dates: the same text on the server and in the browser, whatever their locales */}
                  {PERIOD_LABEL[s.period]} · {s.periodStart.slice(0, 10)} –{" "}
                  {new Date(new Date(s.periodEnd).getTime() - 1).toISOString().slice(0, 10)} UTC ·{" "}
                  {Math.round(s.elapsed * 100)}% gone
                  {s.stopLossRejectPercent !== null &&
                    ` · stop-loss at ${s.stopLossRejectPercent}% over ${s.stopLossWindow} assets`}
                </div>
              </div>
              <Badge tone={STATE_TONE[s.state]}>{STATE_LABEL[s.state]}</Badge>
            </div>
            {editing === s.id ? (
              <BudgetForm options={options} editing={s} onDone={() => setEditing(null)} />
            ) : (
              <>
                <BudgetUsage s={s} />
                <div className="mt-3 flex gap-2">
                  <Button variant="secondary" onClick={() => setEditing(s.id)}>
                    {s.active ? "Edit" : "Edit or reactivate"}
                  </Button>
                  {s.active && (
                    <Button
                      variant="danger"
                      disabled={pending}
                      onClick={async () => {
                        const ok = await confirm({
                          title: `Deactivate the budget for ${s.label}?`,
                          body: "Its work is no longer limited.",
                          confirmLabel: "Deactivate",
                          tone: "danger",
                        });
                        if (ok) startTransition(async () => setFeedback(await deactivateBudgetAction(s.id)));
                      }}
                    >
                      Deactivate
                    </Button>
                  )}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
