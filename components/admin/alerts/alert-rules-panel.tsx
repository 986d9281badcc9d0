"use client";

import { useCallback, useState, useTransition } from "react";
import {
  deleteAlertRuleAction,
  evaluateAlertsNowAction,
  setAlertRuleEnabledAction,
} from "@/app/(console)/admin/alerts/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import type { ActionResult } from "@/lib/http/action-result";
import type { AlertRuleView } from "@/lib/operations/alerts/rules";
import { AlertRuleForm, type Endpoint } from "./alert-rule-form";
import { useConfirm } from "@/components/ui/use-confirm";

function channels(r: AlertRuleView, emailConfigured: boolean): string {
  const parts = [
    r.notifyInApp && "in the app",
    r.notifyWebhooks && "webhooks",
    r.emailTo.length > 0 && `e-mail (${r.emailTo.length}${emailConfigured ? "" : ", not configured"})`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "nobody";
}

/** The rules with their state, the add/edit form, and "Evaluate now". */
export function AlertRulesPanel({
  rules,
  endpoints,
  emailConfigured,
}: {
  rules: AlertRuleView[];
  endpoints: Endpoint[];
  emailConfigured: boolean;
}) {
  const [editing, setEditing] = useState<AlertRuleView | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [busy, start] = useTransition();
  const run = (fn: () => Promise<ActionResult<unknown>>) => start(async () => setResult(await fn()));
  const [confirm, confirmDialog] = useConfirm();
  const done = useCallback((message?: string) => {
    setEditing(null);
    setFormKey((k) => k + 1);
    setResult(message ? { ok: true, data: null, message } : null);
  }, []);
  return (
    <>
      {confirmDialog}
      <Card
        title="Rules"
        description="Evaluated every minute. A rule notifies when it starts firing and when it resolves, not on every evaluation."
        actions={
          <Button variant="secondary" disabled={busy} onClick={() => run(evaluateAlertsNowAction)}>
            Evaluate now
          </Button>
        }
      >
        {result && !result.ok && <Alert tone="error">{result.error.message}</Alert>}
        {result?.ok && result.message && <Alert tone="success">{result.message}</Alert>}
        {rules.length === 0 ? (
          <p className="text-sm text-stone-500">
            No rules yet. Add one below: for example, warn when a GPU endpoint fails more than 20% of its calls over 15
            minutes.
          </p>
        ) : (
          <Table columns={["Rule", "State", "Last value", "Notifies", { label: "Actions", srOnly: true }]}>
            {rules.map((r) => (
              <tr
                key={r.id}
                data-testid={`alert-rule-${r.name}`}
                data-state={r.enabled ? (r.firing ? "firing" : "ok") : "disabled"}
              >
                <td className="py-2 pr-3">
                  <div className="font-medium">{r.name}</div>
                  <div className="text-xs text-stone-500">{r.description}</div>
                </td>
                <td className="py-2 pr-3" data-testid="alert-state">
                  {!r.enabled ? (
                    <Badge>Disabled</Badge>
                  ) : r.firing ? (
                    <>
                      <Badge tone="bad">Firing</Badge>
                      <div className="mt-1 text-xs text-stone-500">since {r.firingSince}</div>
                    </>
                  ) : (
                    <Badge tone="good">OK</Badge>
                  )}
                </td>
                <td className="py-2 pr-3" data-testid="alert-last-value">
                  {r.lastValue ?? <span className="text-stone-500">not evaluated yet</span>}
                  {r.lastEvaluatedAt && <div className="text-xs text-stone-500">at {r.lastEvaluatedAt}</div>}
                </td>
                <td className="py-2 pr-3 text-stone-600">{channels(r, emailConfigured)}</td>
                <td className="space-x-1 whitespace-nowrap py-2 text-right">
                  <Button variant="ghost" disabled={busy} onClick={() => setEditing(r)}>
                    Edit
                  </Button>
                  <Button
                    variant="ghost"
                    disabled={busy}
                    onClick={() => run(() => setAlertRuleEnabledAction(r.id, !r.enabled))}
                  >
                    {r.enabled ? "Disable" : "Enable"}
                  </Button>
                  <Button
                    variant="ghost"
                    disabled={busy}
                    onClick={async () => {
                      const ok = await confirm({
                        title: `Delete the rule “${r.name}” and its history?`,
                        confirmLabel: "Delete rule",
                        tone: "danger",
                      });
                      if (ok) run(() => deleteAlertRuleAction(r.id));
                    }}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      <Card title={editing ? `Edit "${editing.name}"` : "Add a rule"} className="mt-6">
        <AlertRuleForm
          key={editing ? `edit-${editing.id}` : `new-${formKey}`}
          rule={editing}
          endpoints={endpoints}
          emailConfigured={emailConfigured}
          onDone={done}
        />
      </Card>
    </>
  );
}
