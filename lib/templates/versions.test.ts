import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, generations, presets, templates, templateVersions } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { createUserFactory, ctxFor } from "@/test/factories";
import type { TemplateDefinition } from "./types";
import {
  createTemplate,
  createTemplateVersion,
  listTemplatesWithVersions,
  rollbackTemplate,
  templateDefinitionFromForm,
} from "./versions";

let database: Database;
let admin: ReturnType<typeof ctxFor>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
});
afterAll(() => database.close());

const definition = (overrides: Partial<TemplateDefinition> = {}): TemplateDefinition => ({
  body: "a photo of {{product}} on a {{surface}} table",
  styleTokens: "studio lighting, 85mm",
  negativePrompt: "blurry, watermark",
  variables: [
    { name: "product", label: "Product", type: "text", required: true, maxLength: 80 },
    { name: "surface", label: "Surface", type: "enum", required: true, options: ["oak", "marble"], default: "oak" },
  ],
  ...overrides,
});
let n = 0;
const newTemplate = (slug = `test-template-${++n}`) =>
  createTemplate({ ctx: admin, input: { slug, name: `Template ${slug}`, definition: definition() } });
const auditFor = (id: string) =>
  database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.seq);

describe("template versions", () => {
  it("creates, edits as N+1 and rolls back by moving the pointer, all audited", async () => {
    const { template, version: v1 } = await newTemplate("mug-shots");
    await expect(newTemplate("mug-shots")).rejects.toMatchObject({
      code: "conflict",
      fields: { slug: ["Already in use."] },
    });
    const body = "a photo of {{product}} on a {{surface}} table, {{angle}}";
    const angle = { name: "angle", label: "Angle", type: "enum" as const, required: false, options: ["front", "top"] };
    const { version: v2 } = await createTemplateVersion({
      ctx: admin,
      input: {
        templateId: template.id,
        definition: definition({ body, negativePrompt: "blurry", variables: [...definition().variables, angle] }),
        note: "Angles",
      },
    });
    expect(v2).toMatchObject({ version: 2, note: "Angles", createdBy: admin.actor.id });
    const view = (await listTemplatesWithVersions({ ctx: admin })).find((t) => t.id === template.id)!;
    expect(view.active?.version).toBe(2);
    expect(view.versions[0]!.changes).toEqual(["body edited", "negative prompt edited", "variable +angle"]);
    await rollbackTemplate({ ctx: admin, input: { templateId: template.id, versionId: v1.id } });
    const [row] = await database.db.select().from(templates).where(eq(templates.id, template.id));
    expect(row!.activeVersionId).toBe(v1.id);
    await expect(
      rollbackTemplate({ ctx: admin, input: { templateId: template.id, versionId: v1.id } }),
    ).rejects.toMatchObject({ code: "conflict" });
    const other = await newTemplate();
    await expect(
      rollbackTemplate({ ctx: admin, input: { templateId: template.id, versionId: other.version.id } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
    expect((await auditFor(template.id)).map((a) => a.action)).toEqual([
      "template.created",
      "template.version_created",
      "template.rolled_back",
    ]);
    expect((await auditFor(template.id))[2]!.data).toMatchObject({ fromVersion: 2, toVersion: 1 });
  });

  it("saves a title pattern as a new version (the diff names it) and stores an emptied one as absent", async () => {
    const { template } = await newTemplate();
    const { version: v2 } = await createTemplateVersion({
      ctx: admin,
      input: { templateId: template.id, definition: definition({ titlePattern: "{{product}} {{sku}}" }) },
    });
    expect(v2.definition.titlePattern).toBe("{{product}} {{sku}}");
    const { version: v3 } = await createTemplateVersion({
      ctx: admin,
      input: { templateId: template.id, definition: definition({ titlePattern: "" }) },
    });
    expect(v3.definition).not.toHaveProperty("titlePattern");
    const view = (await listTemplatesWithVersions({ ctx: admin })).find((t) => t.id === template.id)!;
    expect(view.versions.map((v) => v.changes)).toEqual([
      ["title pattern edited"],
      ["title pattern edited"],
      ["first version"],
    ]);
  });

  it("two concurrent edits get versions 2 and 3", async () => {
    const { template } = await newTemplate();
    const edit = (tokens: string) =>
      createTemplateVersion({
        ctx: admin,
        input: { templateId: template.id, definition: definition({ styleTokens: tokens }) },
      });
    const [a, b] = await Promise.all([edit("film look"), edit("soft light")]);
    expect([a.version.version, b.version.version].sort()).toEqual([2, 3]);
  });

  it("validates the definition with field-level errors and refuses an edit that changes nothing", async () => {
    const { template } = await newTemplate();
    const bad = definition({
      body: "a {{product}} and {{colour}}",
      variables: [{ name: "Product", label: "", type: "text", required: true, maxLength: 0 }],
    });
    const error = await createTemplateVersion({
      ctx: admin,
      input: { templateId: template.id, definition: bad },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_input" });
    const fields = (error as { fields: Record<string, string[]> }).fields;
    expect(fields["variables.0.name"]).toBeDefined();
    expect(fields["variables.0.maxLength"]).toBeDefined();
    await expect(
      createTemplateVersion({ ctx: admin, input: { templateId: template.id, definition: definition() } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("Nothing changed"),
    });
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    await expect(
      createTemplateVersion({
        ctx: designer,
        input: { templateId: template.id, definition: definition({ body: "x {{product}} {{surface}}" }) },
      }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("reads the form's JSON textarea, and names bad JSON as a field error", () => {
    const parsed = templateDefinitionFromForm({
      body: "b",
      styleTokens: "s",
      negativePrompt: "n",
      titlePattern: "{{x}}",
      variables: '[{"name":"x"}]',
      note: "hi",
    });
    expect(parsed).toEqual({
      definition: {
        body: "b",
        styleTokens: "s",
        negativePrompt: "n",
        titlePattern: "{{x}}",
        variables: [{ name: "x" }],
      },
      note: "hi",
    });
    expect(() => templateDefinitionFromForm({ variables: "[{name: 1}]" })).toThrow(
      expect.objectContaining({ fields: { variables: [expect.stringContaining("Not valid JSON")] } }),
    );
    expect(() => templateDefinitionFromForm({ variables: '{"a":1}' })).toThrow(
      expect.objectContaining({ fields: { variables: [expect.stringContaining("JSON array")] } }),
    );
  });

  it("the database refuses to change a version, and a queued generation keeps the version that made it", async () => {
    const { template, version: v1 } = await newTemplate();
    const refused = await database.db
      .update(templateVersions)
      .set({ note: "tampered" })
      .where(eq(templateVersions.id, v1.id))
      .catch((e: unknown) => String((e as Error).cause ?? e));
    expect(refused).toMatch(/template_versions is immutable: UPDATE is not allowed/);
    await expect(database.db.execute(sql`delete from template_versions where id = ${v1.id}`)).rejects.toThrow();

    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const [draft] = await database.db.select().from(presets).where(eq(presets.slug, "draft-fast"));
    const { batch } = await queueBatch({
      ctx: designer,
      input: {
        templateId: template.id,
        presetId: draft!.id,
        variantsPerRow: 1,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values: { product: "mug" } }],
        idempotencyKey: "template-edit-0001",
      },
    });
    const { version: v2 } = await createTemplateVersion({
      ctx: admin,
      input: { templateId: template.id, definition: definition({ styleTokens: "film look" }) },
    });
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    expect(gen!.templateVersionId).toBe(v1.id);
    expect(gen!.templateVersionId).not.toBe(v2.id);
    expect(gen!.prompt).toContain("studio lighting");
  });
});
