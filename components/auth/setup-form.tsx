"use client";

import { useActionState } from "react";
import { setupAction, type SetupState } from "@/app/(auth)/setup/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

export function SetupForm() {
  const [state, action, pending] = useActionState<SetupState, FormData>(setupAction, {});
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.fields ? "Check the highlighted fields." : state.error}</Alert>}
      <Field label="Your name" name="name" error={f.name}>
        <Input
          name="name"
          autoComplete="name"
          required
          maxLength={120}
          defaultValue={state.values?.name}
          invalid={!!f.name}
          autoFocus
        />
      </Field>
      <Field label="Email" name="email" error={f.email}>
        <Input
          name="email"
          type="email"
          autoComplete="username"
          required
          maxLength={254}
          defaultValue={state.values?.email}
          invalid={!!f.email}
        />
      </Field>
      <Field
        label="Password"
        name="password"
        error={f.password}
        hint="At least 12 characters and hard to guess: three or four unrelated words work well."
      >
        <Input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={1024}
          invalid={!!f.password}
        />
      </Field>
      <Field label="Repeat the password" name="confirm" error={f.confirm}>
        <Input
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          maxLength={1024}
          invalid={!!f.confirm}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create admin account"}
      </Button>
    </form>
  );
}
