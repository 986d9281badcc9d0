"use client";

import { useState, useTransition } from "react";
import {
  assignTeamAction,
  changeRoleAction,
  setActiveAction,
  setCostsAllTeamsAction,
} from "@/app/(console)/admin/users/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table } from "@/components/ui/table";
import type { ActionResult } from "@/lib/http/action-result";
import { useConfirm } from "@/components/ui/use-confirm";

type Row = {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  teamId: string | null;
  costsAllTeams: boolean;
  /** Owns API tokens and never signs in (made under Developers → API tokens). */
  serviceAccount?: boolean;
};

const ROLES = ["admin", "designer", "reviewer", "finance"] as const;

export function UsersTable({
  users,
  currentUserId,
  teams,
}: {
  users: Row[];
  currentUserId: string;
  teams: { id: string; name: string }[];
}) {
  const [pending, startTransition] = useTransition();
  const [feedback, setFeedback] = useState<ActionResult<unknown> | null>(null);

  const [confirm, confirmDialog] = useConfirm();
  const run = async (
    question: string,
    confirmLabel: string,
    call: () => Promise<ActionResult<unknown>>,
    tone: "primary" | "danger" = "primary",
  ) => {
    if (!(await confirm({ title: question, confirmLabel, tone }))) return;
    startTransition(async () => setFeedback(await call()));
  };
  // Team changes end no session and are undone as easily: no confirmation.
  const apply = (call: () => Promise<ActionResult<unknown>>) => startTransition(async () => setFeedback(await call()));

  return (
    <div className="space-y-3">
      {confirmDialog}
      {feedback && !feedback.ok && <Alert tone="error">{feedback.error.message}</Alert>}
      {feedback?.ok && <Alert tone="success">{feedback.message}</Alert>}
      <Table columns={["User", "Role", "Team", "Status", "Last sign-in", { label: "Actions", srOnly: true }]}>
        {users.map((u) => (
          <tr key={u.id} data-testid={`user-row-${u.email}`} className={u.active ? "" : "text-stone-500"}>
            <td className="py-3 pr-4">
              <div className="font-medium text-stone-900">
                {u.name} {u.serviceAccount && <Badge tone="accent">service account</Badge>}
              </div>
              <div className="text-xs text-stone-500">{u.email}</div>
            </td>
            <td className="py-3 pr-4">
              <select
                aria-label={`Role of ${u.email}`}
                value={u.role}
                disabled={pending || u.id === currentUserId}
                onChange={(e) => {
                  const role = e.target.value;
                  void run(`Change ${u.email} to ${role}? Their open sessions will end.`, "Change role", () =>
                    changeRoleAction(u.id, role),
                  );
                }}
                className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm disabled:bg-stone-50"
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </td>
            <td className="py-3 pr-4">
              <select
                aria-label={`Team of ${u.email}`}
                value={u.teamId ?? ""}
                disabled={pending}
                onChange={(e) => apply(() => assignTeamAction(u.id, e.target.value || null))}
                className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm disabled:bg-stone-50"
              >
                <option value="">No team</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
              {u.role === "designer" && (
                <label
                  className="mt-1 flex items-center gap-1 text-xs text-stone-500"
                  title="Designers see their own team's costs unless allowed to see all"
                >
                  <input
                    type="checkbox"
                    checked={u.costsAllTeams}
                    disabled={pending}
                    onChange={(e) => apply(() => setCostsAllTeamsAction(u.id, e.target.checked))}
                  />
                  sees all teams&apos; costs
                </label>
              )}
            </td>
            <td className="py-3 pr-4">
              {u.active ? <Badge tone="good">active</Badge> : <Badge tone="bad">deactivated</Badge>}
            </td>
            <td className="py-3 pr-4 text-xs text-stone-500">
              {u.serviceAccount
                ? "never signs in"
                : u.lastSignInAt
                  ? new Date(u.lastSignInAt).toLocaleString()
                  : "never"}
            </td>
            <td className="py-3 text-right">
              {u.id !== currentUserId &&
                (u.active ? (
                  <Button
                    variant="danger"
                    disabled={pending}
                    onClick={() =>
                      void run(
                        `Deactivate ${u.email}? They are signed out at their next click, and their API tokens are revoked.`,
                        "Deactivate",
                        () => setActiveAction(u.id, false),
                        "danger",
                      )
                    }
                  >
                    Deactivate
                  </Button>
                ) : (
                  <Button
                    variant="secondary"
                    disabled={pending}
                    onClick={() => void run(`Reactivate ${u.email}?`, "Reactivate", () => setActiveAction(u.id, true))}
                  >
                    Reactivate
                  </Button>
                ))}
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
