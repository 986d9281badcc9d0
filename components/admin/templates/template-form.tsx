"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import { createTemplateAction, createTemplateVersionAction } from "@/app/(console)/admin/templates/actions";
import { errorsOf, FormStatus, TextArea, TextField, type Errors } from "@/components/admin/presets/form-bits";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action-result";

export type TemplateDefaults = {
  body: string;
  styleTokens: string;
  negativePrompt: string;
  variables: string;
  titlePattern?: string;
};
type Props = { defaults: TemplateDefaults } & (
  | { mode: "create" }
  | { mode: "edit"; templateId: string; templateName: string; nextVersion: number; activeVersionId: string }
);

/** "variables.2.options" → "Variable 3 › options: …", so an admin can find it in the JSON. */
function variableErrors(errors: Errors): string[] | undefined {
  const lines = Object.entries(errors)
    .filter(([k]) => k === "variables" || k.startsWith("variables."))
    .map(([k, m]) => {
      const [, index, ...rest] = k.split(".");
      return index === undefined
        ? m[0]!
        : `Variable ${Number(index) + 1}${rest.length ? ` › ${rest.join(".")}` : ""}: ${m[0]}`;
    });
  return lines.length ? [lines.join(" · ")] : undefined;
}

/** "New template" and "Edit — creates version N+1"; onSubmit keeps what was typed when refused. */
export function TemplateForm(props: Props) {
  const [state, dispatch, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    props.mode === "create" ? createTemplateAction : createTemplateVersionAction,
    null,
  );
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok && props.mode === "create") form.current?.reset();
  }, [state, props.mode]);
  const errors = errorsOf(state);
  const prefix = props.mode === "create" ? "new-template" : `template-${props.templateId}`;
  const d = props.defaults;
  return (
    <form
      ref={form}
      noValidate
      aria-label={props.mode === "create" ? "New template" : `Edit ${props.templateName}`}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => dispatch(data));
      }}
    >
      <FormStatus state={state} />
      {props.mode === "edit" && <input type="hidden" name="templateId" value={props.templateId} />}
      {props.mode === "create" && (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField prefix={prefix} name="name" label="Name" error={errors.name} maxLength={120} />
          <TextField
            prefix={prefix}
            name="slug"
            label="Slug"
            error={errors.slug}
            maxLength={60}
            hint="e.g. product-photo"
          />
          <TextField
            prefix={prefix}
            name="description"
            label="Description"
            error={errors.description}
            maxLength={500}
          />
        </div>
      )}
      <div key={props.mode === "edit" ? props.activeVersionId : "new"} className="space-y-4">
        <TextArea
          prefix={prefix}
          name="body"
          label="Body"
          rows={3}
          defaultValue={d.body}
          error={errors.body}
          hint="Designers' text enters only through {{variables}}; every placeholder must be declared below. Wrap words that only make sense with an optional variable in [[ ]]: “[[made of {{material}}, ]]” is left out when Material is empty."
        />
        <div className="grid gap-4 md:grid-cols-2">
          <TextArea
            prefix={prefix}
            name="styleTokens"
            label="Style tokens (locked)"
            rows={2}
            defaultValue={d.styleTokens}
            error={errors.styleTokens}
          />
          <TextArea
            prefix={prefix}
            name="negativePrompt"
            label="Negative prompt (locked)"
            rows={2}
            defaultValue={d.negativePrompt}
            error={errors.negativePrompt}
          />
        </div>
        <TextArea
          prefix={prefix}
          name="variables"
          label="Variables (JSON)"
          rows={10}
          mono
          defaultValue={d.variables}
          error={variableErrors(errors)}
          hint='An array of { "name", "label", "type": "text" | "enum" | "number", "required", and maxLength / options / min + max }.'
        />
        <TextField
          prefix={prefix}
          name="titlePattern"
          label="Asset title pattern (optional)"
          defaultValue={d.titlePattern ?? ""}
          error={errors.titlePattern}
          maxLength={200}
          hint="How assets are named, e.g. {{product_name}} {{sku}}: {{variables}} or CSV columns carried as metadata (a column “SKU” is {{sku}}). Empty: “Row 3, variant 1”."
        />
        <TextField prefix={prefix} name="note" label="Note (why this change)" error={errors.note} maxLength={500} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : props.mode === "create" ? "Create template" : `Save as version ${props.nextVersion}`}
      </Button>
    </form>
  );
}
