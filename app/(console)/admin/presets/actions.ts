"use server";

import { afterSave, formFields, savedVersion, type SavedVersion } from "@/lib/catalog/actions";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import {
  createPreset,
  createPresetInputFromForm,
  createPresetVersion,
  presetVersionInputFromForm,
  rollbackPreset,
} from "@/lib/presets";

export async function createPresetAction(_prev: unknown, formData: FormData): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const { preset, version } = await createPreset({ ctx, input: createPresetInputFromForm(formFields(formData)) });
    return savedVersion(preset, version);
  });
  return afterSave("/admin/presets", result, (s) => `Preset “${s.slug}” created; version 1 is active.`);
}

export async function createPresetVersionAction(
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const input = presetVersionInputFromForm(formFields(formData));
    const { preset, version } = await createPresetVersion({ ctx, input });
    return savedVersion(preset, version);
  });
  return afterSave("/admin/presets", result, (s) => `Saved: version ${s.version} of “${s.slug}” is now active.`);
}

export async function rollbackPresetAction(presetId: string, versionId: string): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const { preset, version } = await rollbackPreset({ ctx, input: { presetId, versionId } });
    return savedVersion(preset, version);
  });
  return afterSave("/admin/presets", result, (s) => `“${s.slug}” now uses version ${s.version}.`);
}
