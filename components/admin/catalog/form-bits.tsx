"use client";

import type { InputHTMLAttributes, ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";

export type Errors = Record<string, string[]>;

/** Several forms share one page (one per preset, plus "New"), so ids carry a per-form prefix. */
export const fid = (prefix: string, name: string) => `${prefix}-${name.replace(/\./g, "-")}`;

export function errorsOf(state: ActionResult<unknown> | null): Errors {
  return state && !state.ok ? (state.error.fields ?? {}) : {};
}

export function TextField({
  prefix,
  name,
  label,
  error,
  hint,
  ...props
}: {
  prefix: string;
  name: string;
  label: string;
  error?: string[];
  hint?: string;
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = fid(prefix, name);
  return (
    <Field label={label} name={id} error={error} hint={hint}>
      <Input {...props} id={id} name={name} invalid={!!error} aria-describedby={error ? `${id}-error` : undefined} />
    </Field>
  );
}

export function TextArea({
  prefix,
  name,
  label,
  error,
  hint,
  defaultValue,
  rows = 3,
  mono = false,
}: {
  prefix: string;
  name: string;
  label: string;
  error?: string[];
  hint?: string;
  defaultValue?: string;
  rows?: number;
  mono?: boolean;
}) {
  const id = fid(prefix, name);
  return (
    <Field label={label} name={id} error={error} hint={hint}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        spellCheck={!mono}
        className={`block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500 aria-invalid:border-red-500 ${mono ? "font-mono text-xs" : ""}`}
      />
    </Field>
  );
}

/** What went wrong, in words, above the form; each field also shows its own message. */
export function FormStatus({ state, children }: { state: ActionResult<unknown> | null; children?: ReactNode }) {
  if (!state) return null;
  if (state.ok) return <Alert tone="success">{state.message}</Alert>;
  const fields = Object.values(state.error.fields ?? {}).map((m) => m[0]);
  return (
    <Alert tone="error">
      {fields.length ? (
        <>
          Not saved — {fields.length === 1 ? "one field needs" : `${fields.length} fields need`} attention:{" "}
          {fields.join(" ")}
        </>
      ) : (
        <>Not saved — {state.error.message}</>
      )}
      {children}
    </Alert>
  );
}

/** A new preset's or template's name and slug, with the third field of that row (tier, description). */
export function NewItemFields({
  prefix,
  errors,
  slugHint,
  children,
}: {
  prefix: string;
  errors: Errors;
  slugHint: string;
  children: ReactNode;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <TextField prefix={prefix} name="name" label="Name" error={errors.name} maxLength={120} />
      <TextField prefix={prefix} name="slug" label="Slug" error={errors.slug} maxLength={60} hint={slugHint} />
      {children}
    </div>
  );
}
