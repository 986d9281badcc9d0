import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, generations, presets, presetVersions, providers, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getActiveTemplate } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { createPreset, createPresetVersion, listPresetsWithVersions, rollbackPreset } from ".";

let database: Database;
let admin: ReturnType<typeof ctxFor>;
let providerId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // Nothing calls the GPU endpoint here; the seed only needs a URL for the simulator provider row.
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  [{ id: providerId }] = (await database.db.select({ id: providers.id }).from(providers)) as [{ id: string }];
});
afterAll(() => database.close());

let n = 0;
function content(overrides: Record<string, unknown> = {}) {
  return {
    providerId,
    model: "kiln-sim-support-v2",
    loras: [{ name: "film-grain", weight: 0.6 }],
    params: { width: 768, height: 512, steps: 20, sampler: "Euler a", cfgScale: 6 },
    priceModel: { kind: "per_image", microsPerImage: 3_000 },
    checkThresholds: { sharpness: 0.35 },
    note: "Initial",
    ...overrides,
  };
}
async function newPreset(slug = `test-preset-${++n}`) {
  return createPreset({ ctx: admin, input: { slug, name: `Test ${slug}`, tier: "support", ...content() } });
}
const auditFor = (id: string) =>
  database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.seq);

describe("preset versions", () => {
  it("creates a preset with version 1 active, audited, and refuses a taken slug", async () => {
    const { preset, version } = await newPreset("hero-packshot");
    expect(version).toMatchObject({ version: 1, createdBy: admin.actor.id, model: "kiln-sim-support-v2" });
    expect(preset.activeVersionId).toBe(version.id);
    expect((await auditFor(preset.id)).map((a) => a.action)).toEqual(["preset.created"]);
    await expect(newPreset("hero-packshot")).rejects.toMatchObject({
      code: "conflict",
      fields: { slug: ["Already in use."] },
    });
  });

  it("an edit inserts version N+1 and moves the pointer; history shows who, when and what changed", async () => {
    const { preset, version: v1 } = await newPreset();
    const { version: v2 } = await createPresetVersion({
      ctx: admin,
      input: {
        presetId: preset.id,
        ...content({
          params: { width: 1024, height: 1024, steps: 30, sampler: "Euler a", cfgScale: 6 },
          note: "Sharper",
        }),
      },
    });
    expect(v2.version).toBe(2);
    const view = (await listPresetsWithVersions({ ctx: admin })).find((p) => p.id === preset.id)!;
    expect(view.active?.id).toBe(v2.id);
    expect(view.versions.map((v) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(view.versions[0]).toMatchObject({
      note: "Sharper",
      author: { email: admin.actor.email },
      changes: ["size 768×512 → 1024×1024", "steps 20 → 30"],
    });
    expect(view.versions[1]!.changes).toEqual(["first version"]);
    const [row] = await database.db.select().from(presetVersions).where(eq(presetVersions.id, v1.id));
    expect(row!.params.width).toBe(768); // version 1 untouched
    const [audit] = (await auditFor(preset.id)).filter((a) => a.action === "preset.version_created");
    expect(audit).toMatchObject({ actorId: admin.actor.id, data: { version: 2, previousVersion: 1, note: "Sharper" } });
    await expect(
      createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...content({ params: v2.params }) } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("Nothing changed"),
    });
  });

  it("two concurrent edits get versions 2 and 3, never a duplicate", async () => {
    const { preset } = await newPreset();
    const edits = await Promise.all([
      createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...content({ model: "kiln-sim-support-v3" }) } }),
      createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...content({ model: "kiln-sim-support-v4" }) } }),
    ]);
    expect(edits.map((e) => e.version.version).sort()).toEqual([2, 3]);
    const [current] = await database.db.select().from(presets).where(eq(presets.id, preset.id));
    expect(current!.activeVersionId).toBe(edits.find((e) => e.version.version === 3)!.version.id);
  });

  it("rollback moves the pointer to an existing version of the same preset, audited; refuses no-ops and foreign versions", async () => {
    const { preset, version: v1 } = await newPreset();
    const { version: v2 } = await createPresetVersion({
      ctx: admin,
      input: { presetId: preset.id, ...content({ model: "kiln-sim-support-v9" }) },
    });
    const other = await newPreset();
    const rolled = await rollbackPreset({ ctx: admin, input: { presetId: preset.id, versionId: v1.id } });
    expect(rolled.preset.activeVersionId).toBe(v1.id);
    expect((await database.db.select().from(presetVersions).where(eq(presetVersions.presetId, preset.id))).length).toBe(
      2,
    );
    await expect(
      rollbackPreset({ ctx: admin, input: { presetId: preset.id, versionId: v1.id } }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(
      rollbackPreset({ ctx: admin, input: { presetId: preset.id, versionId: other.version.id } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("another preset"),
    });
    await expect(
      rollbackPreset({ ctx: admin, input: { presetId: preset.id, versionId: crypto.randomUUID() } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await rollbackPreset({ ctx: admin, input: { presetId: preset.id, versionId: v2.id } }); // and forward again
    const rollbacks = (await auditFor(preset.id)).filter((a) => a.action === "preset.rolled_back").map((a) => a.data);
    expect(rollbacks).toEqual([
      expect.objectContaining({ fromVersion: 2, toVersion: 1 }),
      expect.objectContaining({ fromVersion: 1, toVersion: 2 }),
    ]);
    expect((await verifyAuditChain({ db: database.db })).ok).toBe(true);
  });

  it("the database refuses to change or delete a version, whatever the application does", async () => {
    const { version } = await newPreset();
    const refused = (e: unknown) => String((e as Error).cause ?? e);
    const update = await database.db
      .update(presetVersions)
      .set({ model: "tampered-v1" })
      .where(eq(presetVersions.id, version.id))
      .catch(refused);
    expect(update).toMatch(/preset_versions is immutable: UPDATE is not allowed/);
    const del = await database.db.execute(sql`delete from preset_versions where id = ${version.id}`).catch(refused);
    expect(del).toMatch(/DELETE is not allowed/);
    const [row] = await database.db.select().from(presetVersions).where(eq(presetVersions.id, version.id));
    expect(row!.model).toBe("kiln-sim-support-v2");
  });

  it("validates every field with a message that says what was wrong", async () => {
    const { preset } = await newPreset();
    const bad = content({
      model: "sdxl:latest",
      loras: [{ name: "grain", weight: 3 }],
      params: { width: 500, height: 4096, steps: 0, sampler: "", cfgScale: 31 },
      priceModel: { kind: "per_image", microsPerImage: 1.5 },
      checkThresholds: { Sharpness: 0.3 },
      note: "x".repeat(501),
    });
    const error = await createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...bad } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "invalid_input" });
    const fields = (error as { fields: Record<string, string[]> }).fields;
    expect(fields.model).toEqual([expect.stringContaining('"latest" is a floating tag')]);
    expect(fields["loras.0.weight"]).toEqual(["LoRA weight must be between -2 and 2."]);
    expect(fields["params.width"]).toEqual(["Width must be a multiple of 64."]);
    expect(fields["params.height"]).toEqual(["Height must be at most 2048."]);
    expect(fields["params.steps"]).toEqual(["Steps must be 1 to 150."]);
    expect(fields["params.sampler"]).toEqual(["Enter a sampler."]);
    expect(fields["params.cfgScale"]).toEqual(["CFG scale must be 1 to 30."]);
    expect(fields["priceModel.microsPerImage"]).toBeDefined();
    expect(Object.keys(fields).some((k) => k.startsWith("checkThresholds"))).toBe(true);
    expect(fields.note).toEqual(["Notes are at most 500 characters."]);
    const tooMany = Array.from({ length: 9 }, (_, i) => ({ name: `l${i}`, weight: 1 }));
    await expect(
      createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...content({ loras: tooMany }) } }),
    ).rejects.toMatchObject({
      fields: { loras: ["At most 8 LoRAs."] },
    });
    for (const model of ["latest", "org/model@main", "sdxl-latest", "sdxl"]) {
      await expect(
        createPresetVersion({ ctx: admin, input: { presetId: preset.id, ...content({ model }) } }),
      ).rejects.toMatchObject({
        fields: { model: [expect.any(String)] },
      });
    }
    await expect(
      createPresetVersion({
        ctx: admin,
        input: { presetId: preset.id, ...content({ providerId: crypto.randomUUID() }) },
      }),
    ).rejects.toMatchObject({
      fields: { providerId: ["Choose an existing provider."] },
    });
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    await expect(
      createPresetVersion({ ctx: designer, input: { presetId: preset.id, ...content({ model: "m-2" }) } }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("a generation queued before an edit keeps the version that made it", async () => {
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const [draft] = await database.db.select().from(presets).where(eq(presets.slug, "draft-fast"));
    const [template] = await database.db.select().from(templates).limit(1);
    const { version: tv } = await getActiveTemplate(database.db, template!.id);
    const { batch } = await queueBatch({
      ctx: designer,
      input: {
        templateId: template!.id,
        presetId: draft!.id,
        variantsPerRow: 1,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values: initialValuesFor(tv.definition) }],
        idempotencyKey: "preset-edit-0001",
      },
    });
    const { version: v2 } = await createPresetVersion({
      ctx: admin,
      input: { presetId: draft!.id, ...content({ model: "kiln-sim-draft-v2" }) },
    });
    const [gen] = await database.db
      .select()
      .from(generations)
      .where(and(eq(generations.batchId, batch.id)));
    expect(gen!.presetVersionId).toBe(draft!.activeVersionId);
    expect(gen!.presetVersionId).not.toBe(v2.id);
  });
});
