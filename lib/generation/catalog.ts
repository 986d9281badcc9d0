import { asc, eq, isNotNull } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import {
  presets,
  presetVersions,
  providers,
  templates,
  templateVersions,
  type Preset,
  type PresetVersion,
  type Provider,
  type Template,
  type TemplateVersion,
} from "@/db/schema";
import { AppError } from "@/lib/errors";

export type ActivePreset = { preset: Preset; version: PresetVersion; provider: Provider };
export type ActiveTemplate = { template: Template; version: TemplateVersion };

/** Every preset with its active version and endpoint, ordered by tier then name. */
export async function listActivePresets(db: DbExecutor): Promise<ActivePreset[]> {
  const rows = await db
    .select({ preset: presets, version: presetVersions, provider: providers })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .orderBy(asc(presets.tier), asc(presets.name));
  return rows;
}

export async function listActiveTemplates(db: DbExecutor): Promise<ActiveTemplate[]> {
  return db
    .select({ template: templates, version: templateVersions })
    .from(templates)
    .innerJoin(templateVersions, eq(templateVersions.id, templates.activeVersionId))
    .where(isNotNull(templates.activeVersionId))
    .orderBy(asc(templates.name));
}

export async function getActiveTemplate(db: DbExecutor, templateId: string): Promise<ActiveTemplate> {
  const [row] = await db
    .select({ template: templates, version: templateVersions })
    .from(templates)
    .innerJoin(templateVersions, eq(templateVersions.id, templates.activeVersionId))
    .where(eq(templates.id, templateId))
    .limit(1);
  if (!row) throw new AppError("not_found", "That template does not exist.");
  return row;
}
