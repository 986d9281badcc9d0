"use client";

import { useActionState, useEffect, useRef, useTransition } from "react";
import { addRejectReasonAction, setRejectReasonActiveAction } from "@/app/(console)/admin/reject-reasons/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import type { ActionResult } from "@/lib/http/action-result";

type Reason = { id: string; code: string; label: string; active: boolean };

/** The reject reasons reviewers pick from (numbers 1–0 in the order shown); retired ones stay on past decisions. */
export function RejectReasonsEditor({ reasons }: { reasons: Reason[] }) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(addRejectReasonAction, null);
  const [toggling, startToggle] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  let key = 0;
  return (
    <div className="space-y-4">
      <form ref={form} action={action} className="flex flex-wrap items-end gap-2" aria-label="Add a reject reason">
        <label className="text-sm">
          <span className="block font-medium text-stone-700">Code</span>
          <Input name="code" required maxLength={40} placeholder="wrong_product" className="w-48 font-mono" />
        </label>
        <label className="text-sm">
          <span className="block font-medium text-stone-700">Label</span>
          <Input name="label" required maxLength={60} placeholder="Wrong product" className="w-64" />
        </label>
        <Button type="submit" disabled={pending}>
          Add reason
        </Button>
      </form>
      {state && !state.ok && <Alert tone="error">{state.error.message}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <Table columns={["Key", "Code", "Label", "State", { label: "Actions", srOnly: true }]}>
        {reasons.map((r) => (
          <tr key={r.id} data-testid={`reason-${r.code}`}>
            <td className="py-2 pr-3 tabular-nums text-stone-500">
              {r.active && key < 10 ? (++key % 10).toString() : "—"}
            </td>
            <td className="py-2 pr-3 font-mono">{r.code}</td>
            <td className="py-2 pr-3">{r.label}</td>
            <td className="py-2 pr-3">{r.active ? <Badge tone="good">active</Badge> : <Badge>retired</Badge>}</td>
            <td className="py-2 text-right">
              <Button
                variant="ghost"
                disabled={toggling}
                onClick={() => startToggle(async () => void (await setRejectReasonActiveAction(r.id, !r.active)))}
              >
                {r.active ? "Retire" : "Restore"}
              </Button>
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
