"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { saveBudgetAction } from "@/app/(console)/budgets/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { microsToDollarString } from "@/lib/budgets/dollars";
import type { BudgetScopeOptions } from "@/lib/budgets/manage";
import type { BudgetStatus } from "@/lib/budgets/status";
import type { ActionResult } from "@/lib/http/action-result";

const PERIODS = [
  { value: "day", label: "Day (UTC)" },
  { value: "week", label: "Week (from Monday)" },
  { value: "month", label: "Month" },
  { value: "quarter", label: "Quarter" },
];

/** Create a budget, or edit one (`editing`): scope, period, a dollar limit and/or an image quota, alert and stop-loss. */
export function BudgetForm({
  options,
  editing,
  onDone,
}: {
  options: BudgetScopeOptions;
  editing?: BudgetStatus;
  onDone?: () => void;
}) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(saveBudgetAction, null);
  const [scope, setScope] = useState<string>(editing?.scope ?? "campaign");
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state?.ok) return;
    if (!editing) form.current?.reset();
    onDone?.();
  }, [state, editing, onDone]);
  const fields = state && !state.ok ? (state.error.fields ?? {}) : {};
  const hasStopLoss = scope === "campaign";
  // Each edit form sits beside the add form: its own ids, so every label points at its own input.
  const fid = (name: string) => (editing ? `${editing.id}-${name}` : name);
  return (
    <form
      ref={form}
      action={action}
      className="space-y-4"
      noValidate
      aria-label={editing ? `Edit the budget for ${editing.label}` : "Add a budget"}
    >
      {state && !state.ok && (
        <Alert tone="error">{state.error.fields ? "Check the highlighted fields." : state.error.message}</Alert>
      )}
      {state?.ok && !editing && <Alert tone="success">{state.message}</Alert>}
      {editing ? (
        <>
          <input type="hidden" name="budgetId" value={editing.id} />
          <p className="text-sm text-stone-600">
            {editing.label}, {editing.period}
          </p>
        </>
      ) : (
        <>
          <Field label="Applies to" name="scope" error={fields.scope}>
            <Select id="scope" name="scope" value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value="campaign">A campaign</option>
              <option value="team">A team</option>
              <option value="user">A user</option>
            </Select>
          </Field>
          <ScopeKeyField scope={scope} options={options} error={fields.scopeKey} />
          <Field label="Period" name="period" error={fields.period}>
            <Select id="period" name="period" defaultValue="month">
              {PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </Select>
          </Field>
        </>
      )}
      <div className="grid grid-cols-2 gap-3">
        <Field label="Spend limit ($)" name={fid("limitDollars")} error={fields.limitMicros} hint="e.g. 250 or 12.34">
          <Input
            id={fid("limitDollars")}
            name="limitDollars"
            inputMode="decimal"
            defaultValue={editing?.limitMicros != null ? microsToDollarString(editing.limitMicros) : ""}
            invalid={!!fields.limitMicros}
          />
        </Field>
        <Field label="Image quota" name={fid("limitImages")} error={fields.limitImages} hint="Optional">
          <Input
            id={fid("limitImages")}
            name="limitImages"
            inputMode="numeric"
            defaultValue={editing?.limitImages ?? ""}
            invalid={!!fields.limitImages}
          />
        </Field>
      </div>
      <Field label="Alert at (% of the limit)" name={fid("softLimitPercent")} error={fields.softLimitPercent}>
        <Input
          id={fid("softLimitPercent")}
          name="softLimitPercent"
          inputMode="numeric"
          defaultValue={editing?.softLimitPercent ?? 80}
          invalid={!!fields.softLimitPercent}
        />
      </Field>
      {hasStopLoss && (
        <fieldset className="space-y-2 rounded-md border border-stone-200 p-3">
          <legend className="px-1 text-xs font-medium text-stone-600">
            Stop-loss (optional): pause the campaign when too many assets are rejected
          </legend>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Reject rate (%)" name={fid("stopLossRejectPercent")} error={fields.stopLossRejectPercent}>
              <Input
                id={fid("stopLossRejectPercent")}
                name="stopLossRejectPercent"
                inputMode="numeric"
                defaultValue={editing?.stopLossRejectPercent ?? ""}
                invalid={!!fields.stopLossRejectPercent}
              />
            </Field>
            <Field label="Over the last N assets" name={fid("stopLossWindow")} error={fields.stopLossWindow}>
              <Input
                id={fid("stopLossWindow")}
                name="stopLossWindow"
                inputMode="numeric"
                defaultValue={editing?.stopLossWindow ?? ""}
                invalid={!!fields.stopLossWindow}
              />
            </Field>
          </div>
        </fieldset>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending} className="flex-1">
          {pending ? "Saving…" : editing ? (editing.active ? "Save" : "Save and reactivate") : "Add budget"}
        </Button>
        {editing && onDone && (
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

function ScopeKeyField({ scope, options, error }: { scope: string; options: BudgetScopeOptions; error?: string[] }) {
  if (scope === "campaign")
    return (
      <Field label="Campaign" name="scopeKey" error={error} hint="A campaign name as designers type it on Generate.">
        <Input key="campaign" name="scopeKey" list="budget-campaigns" maxLength={80} invalid={!!error} />
        <datalist id="budget-campaigns">
          {options.campaigns.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </Field>
    );
  const list =
    scope === "team"
      ? options.teams.map((t) => ({ id: t.id, label: t.name }))
      : options.users.map((u) => ({ id: u.id, label: `${u.name} (${u.email})` }));
  return (
    <Field
      label={scope === "team" ? "Team" : "User"}
      name="scopeKey"
      error={error}
      hint={scope === "team" && list.length === 0 ? "No teams yet: an admin adds them on Users." : undefined}
    >
      <Select key={scope} id="scopeKey" name="scopeKey" defaultValue="" invalid={!!error}>
        <option value="" disabled>
          Pick one…
        </option>
        {list.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}
