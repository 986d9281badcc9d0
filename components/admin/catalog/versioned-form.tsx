"use client";

import { startTransition, useActionState, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action-result";
import { errorsOf, FormStatus, type Errors } from "./form-bits";

/**
 * The shell of "New preset/template" and "Edit — creates version N+1". Submitting through onSubmit
 * (not the form's action prop) keeps what the admin typed when the server refuses it. After a
 * successful create the form is reset and `generation` goes up, so the caller can key its fields to
 * remount them (rows added on the client, like LoRAs, go back to empty too).
 */
export function VersionedForm({
  action,
  label,
  create,
  hidden,
  submitLabel,
  children,
}: {
  action: (prev: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
  label: string;
  create: boolean;
  /** The item id an edit posts, e.g. { name: "presetId", value }. */
  hidden?: { name: string; value: string };
  submitLabel: string;
  children: (form: { errors: Errors; generation: number }) => ReactNode;
}) {
  const form = useRef<HTMLFormElement>(null);
  const [generation, setGeneration] = useState(0);
  const [state, dispatch, pending] = useActionState<ActionResult<unknown> | null, FormData>(async (prev, data) => {
    const result = await action(prev, data);
    if (result.ok && create) {
      form.current?.reset();
      setGeneration((g) => g + 1);
    }
    return result;
  }, null);
  return (
    <form
      ref={form}
      noValidate
      aria-label={label}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => dispatch(data));
      }}
    >
      <FormStatus state={state} />
      {hidden && <input type="hidden" name={hidden.name} value={hidden.value} />}
      {children({ errors: errorsOf(state), generation })}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
