"use client";

import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { createTeamAction, renameTeamAction } from "@/app/(console)/admin/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";
import type { TeamView } from "@/lib/teams";

/** The teams budgets and cost visibility apply to: add one, rename one. */
export function TeamsCard({ teams }: { teams: TeamView[] }) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(createTeamAction, null);
  const [renamed, setRenamed] = useState<ActionResult<unknown> | null>(null);
  const [renaming, startRename] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const fields = state && !state.ok ? (state.error.fields ?? {}) : {};
  return (
    <div className="space-y-4" data-testid="teams-card">
      {teams.length === 0 ? (
        <p className="text-sm text-stone-500">
          No teams yet. Add one, then pick it for each user; team budgets count their work.
        </p>
      ) : (
        <ul className="divide-y divide-stone-100 text-sm">
          {teams.map((t) => (
            <li key={t.id} className="flex items-center justify-between gap-2 py-1.5">
              <span className="font-medium">{t.name}</span>
              <span className="flex items-center gap-2 text-xs text-stone-500">
                {t.members} {t.members === 1 ? "member" : "members"}
                <button
                  type="button"
                  className="text-kiln-700 hover:underline disabled:text-stone-400"
                  disabled={renaming}
                  onClick={() => {
                    const name = window.prompt(`Rename “${t.name}” to:`, t.name);
                    if (name && name !== t.name)
                      startRename(async () => setRenamed(await renameTeamAction(t.id, name)));
                  }}
                >
                  Rename
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {renamed && !renamed.ok && <Alert tone="error">{renamed.error.message}</Alert>}
      <form ref={form} action={action} className="flex items-end gap-2" noValidate aria-label="Add a team">
        <div className="flex-1">
          <Field
            label="New team"
            name="teamName"
            error={fields.name ?? (state && !state.ok && !state.error.fields ? state.error.message : undefined)}
          >
            <Input name="teamName" required maxLength={60} invalid={!!fields.name} placeholder="e.g. Brand" />
          </Field>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add team"}
        </Button>
      </form>
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
    </div>
  );
}
