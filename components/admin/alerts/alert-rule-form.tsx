"use client";

import { useActionState, useEffect, useState } from "react";
import { saveAlertRuleAction } from "@/app/(console)/admin/alerts/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import type { AlertKind } from "@/db/schema/operations";
import type { ActionResult } from "@/lib/http/action-result";
import { ALERT_KIND_ORDER, KIND_INFO } from "@/lib/operations/alerts/kinds";
import type { AlertRuleView } from "@/lib/operations/alerts/rules";

export type Endpoint = { id: string; name: string };

/** Add or edit one rule, in plain words and display units (percent, seconds, minutes, dollars per hour). */
export function AlertRuleForm({
  rule,
  endpoints,
  emailConfigured,
  onDone,
}: {
  rule: AlertRuleView | null;
  endpoints: Endpoint[];
  emailConfigured: boolean;
  onDone: (message?: string) => void;
}) {
  const [state, action, pending] = useActionState<ActionResult<{ id: string }> | null, FormData>(
    saveAlertRuleAction,
    null,
  );
  const [kind, setKind] = useState<AlertKind>(rule?.kind ?? "endpoint_error_rate");
  const info = KIND_INFO[kind];
  const fields = state && !state.ok ? state.error.fields : undefined;
  useEffect(() => {
    if (state?.ok) onDone(state.message);
  }, [state, onDone]);
  return (
    <form action={action} className="space-y-4" aria-label={rule ? `Edit rule ${rule.name}` : "Add an alert rule"}>
      {rule && <input type="hidden" name="id" value={rule.id} />}
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" name="name" error={fields?.name}>
          <Input
            name="name"
            required
            maxLength={100}
            defaultValue={rule?.name ?? ""}
            placeholder="e.g. Simulator failing"
            invalid={!!fields?.name}
          />
        </Field>
        <Field label="What it watches" name="kind" error={fields?.kind} hint={info.help}>
          <Select id="kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
            {ALERT_KIND_ORDER.map((k) => (
              <option key={k} value={k}>
                {KIND_INFO[k].label}
              </option>
            ))}
          </Select>
        </Field>
        {info.perEndpoint && (
          <Field label="GPU endpoint" name="providerId" error={fields?.providerId}>
            <Select id="providerId" name="providerId" defaultValue={rule?.providerId ?? ""}>
              <option value="">Every GPU endpoint</option>
              {endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label={`${info.thresholdLabel} (${info.unit})`} name="threshold" error={fields?.threshold}>
          <div className="flex items-center gap-2">
            <Input
              name="threshold"
              type="number"
              step="any"
              min="0"
              required
              defaultValue={rule && rule.kind === kind ? String(rule.threshold) : ""}
              className="w-40"
              invalid={!!fields?.threshold}
            />
            <span className="text-sm text-stone-600">{info.unit}</span>
          </div>
        </Field>
        {info.usesWindow && (
          <Field label="Over the last (minutes)" name="windowMinutes" error={fields?.windowMinutes}>
            <div className="flex items-center gap-2">
              <Input
                name="windowMinutes"
                type="number"
                min="1"
                max="1440"
                step="1"
                required
                defaultValue={String(rule?.windowMinutes ?? 15)}
                className="w-40"
              />
              <span className="text-sm text-stone-600">minutes</span>
            </div>
          </Field>
        )}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-stone-700">Notify</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="notifyInApp" defaultChecked={rule?.notifyInApp ?? true} /> In the app, every
          admin
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="notifyWebhooks" defaultChecked={rule?.notifyWebhooks ?? false} /> Webhooks (alert
          fired / resolved, to admins&apos; endpoints)
        </label>
        <Field
          label="E-mail to"
          name="emailTo"
          error={fields?.emailTo}
          hint={emailConfigured ? "Addresses separated by commas; leave empty for no e-mail." : undefined}
        >
          <Input
            name="emailTo"
            defaultValue={rule?.emailTo.join(", ") ?? ""}
            placeholder="ops@example.com, oncall@example.com"
            invalid={!!fields?.emailTo}
          />
        </Field>
        {!emailConfigured && (
          <p className="text-xs text-amber-800" data-testid="email-not-configured">
            E-mail: not configured. This installation has no SMTP server (KILN_SMTP_URL), so no e-mail goes out; each
            alert event records that it was not sent.
          </p>
        )}
      </fieldset>
      {state && !state.ok && <Alert tone="error">{state.error.message}</Alert>}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {rule ? "Save rule" : "Add rule"}
        </Button>
        {rule && (
          <Button type="button" variant="secondary" onClick={() => onDone()}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
