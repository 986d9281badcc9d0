import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { auditEvents, costLedger, generations, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getBatch } from "@/lib/generation/batch-views";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";
import { createUpload } from "@/lib/uploads/create-upload";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { readSwitches } from "./read-switches";
import { setSwitch } from "./set-switch";

let database: Database;
let sim: RunningSimulator;
let admin: ReturnType<typeof ctxFor>;
let designer: ReturnType<typeof ctxFor>;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

const switchAudits = async () =>
  (
    await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subjectType, "system_switch"))
      .orderBy(auditEvents.seq)
  ).map((e) => ({
    action: e.action,
    data: e.data,
  }));

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 90, b: 200 } } })
    .png()
    .toBuffer();
const upload = async () =>
  createUpload({
    ctx: designer,
    input: { filename: "ref.png", bytes: await png() },
    store: getBlobStore(),
    maxBytes: 2_000_000,
    announce: async () => {},
  });

describe("the switches themselves", () => {
  it("are off until set, need a reason to turn on, are admin-only, and are audited both ways", async () => {
    expect((await readSwitches(database.db)).uploads_disabled).toMatchObject({ enabled: false, reason: null });
    await expect(
      setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: true, reason: " " } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { reason: [expect.stringContaining("Say why")] },
    });
    await expect(
      setSwitch({ ctx: designer, input: { key: "uploads_disabled", enabled: true, reason: "x" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: true, reason: "Storage migration" } });
    // Setting the same state again writes no second event.
    await setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: true, reason: "Storage migration" } });
    await setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: false } });
    expect(await switchAudits()).toEqual([
      { action: "system.switch_on", data: { key: "uploads_disabled", reason: "Storage migration" } },
      { action: "system.switch_off", data: { key: "uploads_disabled", wasOnFor: "Storage migration" } },
    ]);
  });
});

describe("disabling uploads", () => {
  it("refuses the next upload with the admin's reason, stores nothing, and uploads work again once re-enabled", async () => {
    await setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: true, reason: "Virus scanner offline" } });
    await expect(upload()).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringMatching(/admin.*Virus scanner offline/),
    });
    await setSwitch({ ctx: admin, input: { key: "uploads_disabled", enabled: false } });
    expect(await upload()).toMatchObject({ filename: "ref.png", status: "processing" });
  });
});

describe("pausing all generation", () => {
  it("parks the next generation (no call, no ledger row, nothing dropped), shows why on the Jobs page, and resumes", async () => {
    const presetId = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!.preset.id;
    const [template] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const { version } = await getActiveTemplate(database.db, template!.id);
    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: true, reason: "Provider maintenance" } });
    // New batches may still be queued while paused; they wait.
    const { batch } = await queueBatch({
      ctx: designer,
      input: {
        templateId: template!.id,
        presetId,
        variantsPerRow: 2,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values: initialValuesFor(version.definition) }],
        idempotencyKey: "pause-all-0001",
      },
    });
    const rows = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    const callsBefore = sim.stats().calls["/sdapi/v1/txt2img"] ?? 0;
    const first = await runGeneration({
      db: database.db,
      store: getBlobStore(),
      generationId: rows[0]!.id,
      attempt: 0,
    });
    expect(first).toMatchObject({ status: "system_paused", reason: expect.stringContaining("Provider maintenance") });
    expect(sim.stats().calls["/sdapi/v1/txt2img"] ?? 0).toBe(callsBefore);
    expect(await database.db.select().from(costLedger).where(eq(costLedger.generationId, rows[0]!.id))).toHaveLength(0);
    const detail = await getBatch({ ctx: designer, batchId: batch.id });
    expect(detail.waiting).toContain("paused all generation (Provider maintenance)");
    expect(detail.rows.every((r) => r.status === "queued")).toBe(true);

    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: false } });
    for (const row of rows) {
      expect(
        await runGeneration({ db: database.db, store: getBlobStore(), generationId: row.id, attempt: 0 }),
      ).toMatchObject({ status: "succeeded" });
    }
    expect((await getBatch({ ctx: designer, batchId: batch.id })).status).toBe("completed");
    expect((await switchAudits()).map((a) => a.action).slice(-2)).toEqual(["system.switch_on", "system.switch_off"]);
  });
});
