"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import {
  createTemplate,
  createTemplateVersion,
  rollbackTemplate,
  templateDefinitionFromForm,
} from "@/lib/templates/versions";

type Saved = { slug: string; version: number };

function done(result: ActionResult<Saved>, message: (s: Saved) => string): ActionResult<Saved> {
  if (!result.ok) return result;
  revalidatePath("/admin/templates");
  revalidatePath("/generate");
  return { ...result, message: message(result.data) };
}
const fields = (formData: FormData) =>
  Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string"));
const saved = ({ template, version }: { template: { slug: string }; version: { version: number } }): Saved => ({
  slug: template.slug,
  version: version.version,
});

export async function createTemplateAction(_prev: unknown, formData: FormData): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const f = fields(formData);
    const input = { slug: f.slug, name: f.name, description: f.description, ...templateDefinitionFromForm(f) };
    return saved(await createTemplate({ ctx, input }));
  });
  return done(result, (s) => `Template “${s.slug}” created; version 1 is active.`);
}

export async function createTemplateVersionAction(_prev: unknown, formData: FormData): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const f = fields(formData);
    return saved(
      await createTemplateVersion({ ctx, input: { templateId: f.templateId, ...templateDefinitionFromForm(f) } }),
    );
  });
  return done(result, (s) => `Saved: version ${s.version} of “${s.slug}” is now active.`);
}

export async function rollbackTemplateAction(templateId: string, versionId: string): Promise<ActionResult<Saved>> {
  const result = await guardedAction("catalog.manage", async (ctx) =>
    saved(await rollbackTemplate({ ctx, input: { templateId, versionId } })),
  );
  return done(result, (s) => `“${s.slug}” now uses version ${s.version}.`);
}
