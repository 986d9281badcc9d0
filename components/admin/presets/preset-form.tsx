"use client";

import { createPresetAction, createPresetVersionAction } from "@/app/(console)/admin/presets/actions";
import { fid, NewItemFields, TextField } from "@/components/admin/catalog/form-bits";
import { VersionedForm } from "@/components/admin/catalog/versioned-form";
import { Field, Select } from "@/components/ui/field";
import { PresetFields, type PresetDefaults, type ProviderChoice } from "./preset-fields";

type Props = { providers: ProviderChoice[]; defaults: PresetDefaults } & (
  | { mode: "create" }
  | { mode: "edit"; presetId: string; presetName: string; nextVersion: number; activeVersionId: string }
);

/** "New preset" and "Edit — creates version N+1". */
export function PresetForm(props: Props) {
  const create = props.mode === "create";
  const prefix = create ? "new-preset" : `preset-${props.presetId}`;
  return (
    <VersionedForm
      action={create ? createPresetAction : createPresetVersionAction}
      label={create ? "New preset" : `Edit ${props.presetName}`}
      create={create}
      hidden={create ? undefined : { name: "presetId", value: props.presetId }}
      submitLabel={create ? "Create preset" : `Save as version ${props.nextVersion}`}
    >
      {({ errors, generation }) => {
        const fieldsKey = create ? String(generation) : props.activeVersionId;
        return (
          <>
            {create && (
              <NewItemFields prefix={prefix} errors={errors} slugHint="e.g. hero-packshot">
                <Field label="Tier" name={fid(prefix, "tier")} error={errors.tier}>
                  <Select id={fid(prefix, "tier")} name="tier" defaultValue="support">
                    <option value="draft">Draft</option>
                    <option value="support">Support</option>
                    <option value="hero">Hero</option>
                  </Select>
                </Field>
              </NewItemFields>
            )}
            <PresetFields
              key={fieldsKey}
              prefix={prefix}
              providers={props.providers}
              defaults={props.defaults}
              errors={errors}
            />
            <TextField
              prefix={prefix}
              name="note"
              label="Note (why this change)"
              error={errors.note}
              maxLength={500}
              key={`note-${fieldsKey}`}
            />
          </>
        );
      }}
    </VersionedForm>
  );
}
