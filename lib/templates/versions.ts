import { asc, desc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { templates, templateVersions, users, type Template, type TemplateVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { notFound, rollbackTo, saveNextVersion, slugTaken, type VersionedCatalog } from "@/lib/catalog/versioned";
import { assertCanManageCatalog, authorOf, type Author } from "@/lib/presets/access";
import { parseTemplateDefinition } from "./definition-schema";
import type { TemplateDefinition } from "./types";
import { slugSchema } from "@/lib/catalog/slug";

const uuid = (what: string) => z.string({ error: `Unknown ${what}.` }).uuid(`Unknown ${what}.`);
const note = z
  .string()
  .trim()
  .max(500, "Notes are at most 500 characters.")
  .optional()
  .nullable()
  .transform((n) => n || null);
const versionInput = z.object({ templateId: uuid("template"), definition: z.unknown(), note });
const createInput = z.object({
  slug: slugSchema("product-photo"),
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(120, "Names are at most 120 characters."),
  description: z.string().trim().max(500, "Descriptions are at most 500 characters.").optional().default(""),
  definition: z.unknown(),
  note,
});
const rollbackInput = z.object({ templateId: uuid("template"), versionId: uuid("version") });

export type TemplateVersionView = TemplateVersion & { author: Author; active: boolean; changes: string[] };
export type TemplateView = Pick<Template, "id" | "slug" | "name" | "description" | "activeVersionId"> & {
  active: TemplateVersionView | null;
  versions: TemplateVersionView[];
};
type Saved = { template: Template; version: TemplateVersion };

/** jsonb stores object keys in its own order, so compare with sorted keys. */
function canonical(v: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))));
}

/** "body edited", "variables +tone −mood ~product": what a version changed against the one before. */
export function diffTemplateVersions(prev: TemplateDefinition | null, next: TemplateDefinition): string[] {
  if (!prev) return ["first version"];
  const out: string[] = [];
  if (prev.body !== next.body) out.push("body edited");
  if (prev.styleTokens !== next.styleTokens) out.push("style tokens edited");
  if (prev.negativePrompt !== next.negativePrompt) out.push("negative prompt edited");
  if ((prev.titlePattern ?? "") !== (next.titlePattern ?? "")) out.push("title pattern edited");
  const before = new Map(prev.variables.map((v) => [v.name, canonical(v)]));
  const after = new Map(next.variables.map((v) => [v.name, canonical(v)]));
  for (const [name, v] of after) {
    if (!before.has(name)) out.push(`variable +${name}`);
    else if (before.get(name) !== v) out.push(`variable ~${name}`);
  }
  for (const name of before.keys()) if (!after.has(name)) out.push(`variable −${name}`);
  if (!out.length && prev.variables.map((v) => v.name).join() !== next.variables.map((v) => v.name).join())
    out.push("variables reordered");
  return out.length ? out : ["no content change"];
}

/** Every template with its version history (newest first), for the admin page. */
export async function listTemplatesWithVersions({ ctx }: { ctx: Ctx }): Promise<TemplateView[]> {
  assertCanManageCatalog(ctx);
  const [rows, versionRows] = await Promise.all([
    ctx.db.select().from(templates).orderBy(asc(templates.name)),
    ctx.db
      .select({ version: templateVersions, authorName: users.name, authorEmail: users.email })
      .from(templateVersions)
      .leftJoin(users, eq(users.id, templateVersions.createdBy))
      .orderBy(asc(templateVersions.templateId), desc(templateVersions.version)),
  ]);
  return rows.map((t) => {
    const mine = versionRows.filter((r) => r.version.templateId === t.id);
    const versions = mine.map((row, i) => ({
      ...row.version,
      author: authorOf(row),
      active: row.version.id === t.activeVersionId,
      changes: diffTemplateVersions(mine[i + 1]?.version.definition ?? null, row.version.definition),
    }));
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      description: t.description,
      activeVersionId: t.activeVersionId,
      active: versions.find((v) => v.active) ?? null,
      versions,
    };
  });
}

const catalog: VersionedCatalog<Template, TemplateVersion> = {
  kind: "template",
  async lock(tx, templateId) {
    const [row] = await tx.select().from(templates).where(eq(templates.id, templateId)).limit(1).for("update");
    if (!row) throw notFound("template");
    return row;
  },
  async version(tx, versionId) {
    const [row] = await tx.select().from(templateVersions).where(eq(templateVersions.id, versionId)).limit(1);
    return row ?? null;
  },
  itemIdOf: (v) => v.templateId,
  async lastVersion(tx, templateId) {
    const [last] = await tx
      .select({ n: max(templateVersions.version) })
      .from(templateVersions)
      .where(eq(templateVersions.templateId, templateId));
    return last?.n ?? null;
  },
  async setActive(tx, templateId, versionId) {
    const [row] = await tx
      .update(templates)
      .set({ activeVersionId: versionId })
      .where(eq(templates.id, templateId))
      .returning();
    return row!;
  },
};

/** A new template and its version 1, active at once. */
export async function createTemplate({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const data = parseInput(createInput, input);
  const definition = parseTemplateDefinition(data.definition);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: templates.id }).from(templates).where(eq(templates.slug, data.slug)).limit(1);
    if (taken) throw slugTaken("template", data.slug);
    const [created] = await tx
      .insert(templates)
      .values({ slug: data.slug, name: data.name, description: data.description })
      .returning();
    const [version] = await tx
      .insert(templateVersions)
      .values({ templateId: created!.id, version: 1, definition, note: data.note, createdBy: ctx.actor.id })
      .returning();
    const template = await catalog.setActive(tx, created!.id, version!.id);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "template.created",
        subject: { type: "template", id: created!.id },
        data: {
          slug: data.slug,
          name: data.name,
          version: 1,
          versionId: version!.id,
          variables: definition.variables.map((v) => v.name),
        },
        ip: ctx.ip,
      },
    });
    return { template, version: version! };
  });
}

/** Saves an edit as version N+1 and makes it active; earlier versions stay exactly as they were. */
export async function createTemplateVersion({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const data = parseInput(versionInput, input);
  const definition = parseTemplateDefinition(data.definition);
  const { item, version } = await saveNextVersion(ctx, catalog, data.templateId, {
    unchanged: (active) => diffTemplateVersions(active.definition, definition)[0] === "no content change",
    async insert(tx, n) {
      const [row] = await tx
        .insert(templateVersions)
        .values({ templateId: data.templateId, version: n, definition, note: data.note, createdBy: ctx.actor.id })
        .returning();
      return row!;
    },
    changes: (previous, saved) => diffTemplateVersions(previous?.definition ?? null, saved.definition),
    note: data.note,
  });
  return { template: item, version };
}

/** Moves the active pointer to another version of the same template; nothing is copied or changed. */
export async function rollbackTemplate({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { templateId, versionId } = parseInput(rollbackInput, input);
  const { item, version } = await rollbackTo(ctx, catalog, templateId, versionId);
  return { template: item, version };
}

/**
 * The edit form posts body, style tokens and negative prompt as text and the variables as a JSON
 * textarea; bad JSON is a field error on "variables", not a crash.
 */
export function templateDefinitionFromForm(f: Record<string, unknown>): { definition: unknown; note: unknown } {
  const str = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : "");
  let variables: unknown;
  try {
    variables = JSON.parse(str("variables").trim() || "[]");
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : "unreadable";
    throw new AppError("invalid_input", `Variables are not valid JSON (${why}).`, {
      fields: { variables: [`Not valid JSON: ${why}`] },
    });
  }
  if (!Array.isArray(variables))
    throw new AppError("invalid_input", "Variables must be a JSON array.", {
      fields: { variables: ["Must be a JSON array: [ {…}, {…} ]."] },
    });
  return {
    definition: {
      body: str("body"),
      styleTokens: str("styleTokens"),
      negativePrompt: str("negativePrompt"),
      titlePattern: str("titlePattern"),
      variables,
    },
    note: f.note,
  };
}
