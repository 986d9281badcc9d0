"use client";

import { useActionState, useEffect, useRef } from "react";
import { createUserAction } from "@/app/(console)/admin/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";

const ROLE_OPTIONS = [
  { value: "designer", label: "Designer" },
  { value: "reviewer", label: "Reviewer (legal)" },
  { value: "finance", label: "Finance" },
  { value: "admin", label: "Admin" },
];

export function CreateUserForm() {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(createUserAction, null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const fields = state && !state.ok ? (state.error.fields ?? {}) : {};
  return (
    <form ref={form} action={action} className="space-y-4" noValidate aria-label="Add a user">
      {state && !state.ok && (
        <Alert tone="error">{state.error.fields ? "Check the highlighted fields." : state.error.message}</Alert>
      )}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      <Field label="Name" name="name" error={fields.name}>
        <Input name="name" required maxLength={120} invalid={!!fields.name} />
      </Field>
      <Field label="Email" name="email" error={fields.email}>
        <Input name="email" type="email" required maxLength={254} invalid={!!fields.email} />
      </Field>
      <Field label="Role" name="role" error={fields.role}>
        <Select id="role" name="role" defaultValue="designer">
          {ROLE_OPTIONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Initial password"
        name="password"
        error={fields.password}
        hint="At least 12 characters and hard to guess: three or four unrelated words work well."
      >
        <Input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={1024}
          invalid={!!fields.password}
        />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Adding…" : "Add user"}
      </Button>
    </form>
  );
}
