"use client";

import { createTemplateAction, createTemplateVersionAction } from "@/app/(console)/admin/templates/actions";
import { NewItemFields, TextArea, TextField, type Errors } from "@/components/admin/catalog/form-bits";
import { VersionedForm } from "@/components/admin/catalog/versioned-form";

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

/** "New template" and "Edit — creates version N+1". */
export function TemplateForm(props: Props) {
  const create = props.mode === "create";
  const prefix = create ? "new-template" : `template-${props.templateId}`;
  const d = props.defaults;
  return (
    <VersionedForm
      action={create ? createTemplateAction : createTemplateVersionAction}
      label={create ? "New template" : `Edit ${props.templateName}`}
      create={create}
      hidden={create ? undefined : { name: "templateId", value: props.templateId }}
      submitLabel={create ? "Create template" : `Save as version ${props.nextVersion}`}
    >
      {({ errors, generation }) => (
        <>
          {create && (
            <NewItemFields prefix={prefix} errors={errors} slugHint="e.g. product-photo">
              <TextField
                prefix={prefix}
                name="description"
                label="Description"
                error={errors.description}
                maxLength={500}
              />
            </NewItemFields>
          )}
          <div key={create ? String(generation) : props.activeVersionId} className="space-y-4">
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
        </>
      )}
    </VersionedForm>
  );
}
