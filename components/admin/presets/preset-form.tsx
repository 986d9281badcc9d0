"use client";

import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { createPresetAction, createPresetVersionAction } from "@/app/(console)/admin/presets/actions";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";
import { errorsOf, fid, FormStatus, TextField } from "./form-bits";
import { PresetFields, type PresetDefaults, type ProviderChoice } from "./preset-fields";

type Props = { providers: ProviderChoice[]; defaults: PresetDefaults } & (
  | { mode: "create" }
  | { mode: "edit"; presetId: string; presetName: string; nextVersion: number; activeVersionId: string }
);

/**
 * "New preset" and "Edit — creates version N+1". Submitting through onSubmit (not the form's
 * action prop) keeps what the admin typed when the server refuses it.
 */
export function PresetForm(props: Props) {
  const [state, dispatch, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    props.mode === "create" ? createPresetAction : createPresetVersionAction,
    null,
  );
  const form = useRef<HTMLFormElement>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (state?.ok && props.mode === "create") {
      form.current?.reset();
      setGeneration((g) => g + 1); // remount the fields so LoRA rows go back to empty too
    }
  }, [state, props.mode]);
  const errors = errorsOf(state);
  const prefix = props.mode === "create" ? "new-preset" : `preset-${props.presetId}`;
  const fieldsKey = props.mode === "edit" ? props.activeVersionId : String(generation);
  return (
    <form
      ref={form}
      noValidate
      aria-label={props.mode === "create" ? "New preset" : `Edit ${props.presetName}`}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => dispatch(data));
      }}
    >
      <FormStatus state={state} />
      {props.mode === "edit" && <input type="hidden" name="presetId" value={props.presetId} />}
      {props.mode === "create" && (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField prefix={prefix} name="name" label="Name" error={errors.name} maxLength={120} />
          <TextField
            prefix={prefix}
            name="slug"
            label="Slug"
            error={errors.slug}
            maxLength={60}
            hint="e.g. hero-packshot"
          />
          <Field label="Tier" name={fid(prefix, "tier")} error={errors.tier}>
            <Select id={fid(prefix, "tier")} name="tier" defaultValue="support">
              <option value="draft">Draft</option>
              <option value="support">Support</option>
              <option value="hero">Hero</option>
            </Select>
          </Field>
        </div>
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
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : props.mode === "create" ? "Create preset" : `Save as version ${props.nextVersion}`}
      </Button>
    </form>
  );
}
