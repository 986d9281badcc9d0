"use server";

import { afterSave, formFields, savedVersion, type SavedVersion } from "@/lib/catalog/actions";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import {
  createTemplate,
  createTemplateVersion,
  rollbackTemplate,
  templateDefinitionFromForm,
} from "@/lib/templates/versions";

export async function createTemplateAction(_prev: unknown, formData: FormData): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const f = formFields(formData);
    const input = { slug: f.slug, name: f.name, description: f.description, ...templateDefinitionFromForm(f) };
    const { template, version } = await createTemplate({ ctx, input });
    return savedVersion(template, version);
  });
  return afterSave("/admin/templates", result, (s) => `Template “${s.slug}” created; version 1 is active.`);
}

export async function createTemplateVersionAction(
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const f = formFields(formData);
    const input = { templateId: f.templateId, ...templateDefinitionFromForm(f) };
    const { template, version } = await createTemplateVersion({ ctx, input });
    return savedVersion(template, version);
  });
  return afterSave("/admin/templates", result, (s) => `Saved: version ${s.version} of “${s.slug}” is now active.`);
}

export async function rollbackTemplateAction(
  templateId: string,
  versionId: string,
): Promise<ActionResult<SavedVersion>> {
  const result = await guardedAction("catalog.manage", async (ctx) => {
    const { template, version } = await rollbackTemplate({ ctx, input: { templateId, versionId } });
    return savedVersion(template, version);
  });
  return afterSave("/admin/templates", result, (s) => `“${s.slug}” now uses version ${s.version}.`);
}
