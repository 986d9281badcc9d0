"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import {
  createPreset,
  createPresetInputFromForm,
  createPresetVersion,
  presetVersionInputFromForm,
  rollbackPreset,
} from "@/lib/presets";

type Saved = { slug: string; version: number };

function done(result: ActionResult<Saved>, message: (s: Saved) => string): ActionResult<Saved> {
  if (!result.ok) return result;
  revalidatePath("/admin/presets");
  revalidatePath("/generate");
  return { ...result, message: message(result.data) };
}
const fields = (formData: FormData) =>
  Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string"));
const saved = ({ preset, version }: { preset: { slug: string }; version: { version: number } }): Saved => ({
  slug: preset.slug,
  version: version.version,
});

export async function createPresetAction(_prev: unknown, formData: FormData): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) =>
    saved(await createPreset({ ctx, input: createPresetInputFromForm(fields(formData)) })),
  );
  return done(result, (s) => `Preset “${s.slug}” created; version 1 is active.`);
}

export async function createPresetVersionAction(_prev: unknown, formData: FormData): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) =>
    saved(await createPresetVersion({ ctx, input: presetVersionInputFromForm(fields(formData)) })),
  );
  return done(result, (s) => `Saved: version ${s.version} of “${s.slug}” is now active.`);
}

export async function rollbackPresetAction(presetId: string, versionId: string): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) =>
    saved(await rollbackPreset({ ctx, input: { presetId, versionId } })),
  );
  return done(result, (s) => `“${s.slug}” now uses version ${s.version}.`);
}
