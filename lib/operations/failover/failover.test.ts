import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import {
  auditEvents,
  costLedger,
  generationMoves,
  generations,
  presets,
  presetVersions,
  providerHealth,
  providers,
  templates,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { getBatch } from "@/lib/generation/batch-views";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { createProvider } from "@/lib/providers/admin-write";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { evaluateEndpoints } from "./evaluate";
import { setFallbackPreset } from "./set-fallback";

let database: Database;
let main: RunningSimulator;
let backupSim: RunningSimulator;
let admin: ReturnType<typeof ctxFor>;
let designer: ReturnType<typeof ctxFor>;
let mainId: string;
let backupId: string;
let fallbackPresetId: string;
let presetIds: Record<string, string>;
let key = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  main = await startSimulator({ port: 0 });
  backupSim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: main.url });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  mainId = (await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)))[0]!.id;
  presetIds = Object.fromEntries((await listActivePresets(database.db)).map((p) => [p.preset.tier, p.preset.id]));
  // A second endpoint (its own simulator, so calls can be told apart) with a draft preset: the fallback.
  backupId = (
    await createProvider({
      ctx: admin,
      input: { slug: "backup-box", name: "Backup box", kind: "a1111", baseUrl: backupSim.url, allowPrivate: true },
    })
  ).id;
  const [preset] = await database.db
    .insert(presets)
    .values({ slug: "draft-backup", name: "Draft (backup)", tier: "draft" })
    .returning();
  const [v] = await database.db
    .insert(presetVersions)
    .values({
      presetId: preset!.id,
      version: 1,
      providerId: backupId,
      model: "kiln-sim-draft-v1",
      params: { width: 512, height: 512, steps: 8, sampler: "Euler a", cfgScale: 5 },
      priceModel: { kind: "per_image", microsPerImage: 3_000 },
    })
    .returning();
  await database.db.update(presets).set({ activeVersionId: v!.id }).where(eq(presets.id, preset!.id));
  fallbackPresetId = preset!.id;
});
afterAll(async () => {
  await main.close();
  await backupSim.close();
  await database.close();
});

async function queue(tier: "draft" | "support", variants = 2) {
  const [template] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const { version } = await getActiveTemplate(database.db, template!.id);
  key += 1;
  const { batch } = await queueBatch({
    ctx: designer,
    input: {
      templateId: template!.id,
      presetId: presetIds[tier]!,
      variantsPerRow: variants,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values: initialValuesFor(version.definition) }],
      idempotencyKey: `failover-batch-${key}`,
    },
  });
  return { batch, rows: await database.db.select().from(generations).where(eq(generations.batchId, batch.id)) };
}

/** Failed calls of the main endpoint in the ledger, as a run of provider errors leaves them. */
async function failedCalls(n: number, at = new Date()) {
  await database.db.insert(costLedger).values(
    Array.from({ length: n }, (_, i) => ({
      callKey: `synthetic-failure-${key}-${i}-${at.getTime()}`,
      providerId: mainId,
      userId: designer.actor.id,
      operation: "generate",
      outcome: "failed",
      billable: false,
      micros: 0,
      errorKind: "transient",
      createdAt: at,
    })),
  );
}

const audits = async (action: string) =>
  database.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(auditEvents.seq);
const txt2img = (s: RunningSimulator) => s.stats().calls["/sdapi/v1/txt2img"] ?? 0;
const run = (generationId: string, requestedProviderId: string) =>
  runGeneration({ db: database.db, store: getBlobStore(), generationId, attempt: 0, requestedProviderId });

describe("setting a fallback preset", () => {
  it("refuses a preset on the same endpoint, is admin-only, and is audited", async () => {
    await expect(
      setFallbackPreset({ ctx: admin, input: { providerId: mainId, presetId: presetIds.draft } }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(
      setFallbackPreset({ ctx: designer, input: { providerId: mainId, presetId: fallbackPresetId } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await setFallbackPreset({ ctx: admin, input: { providerId: mainId, presetId: fallbackPresetId } });
    expect((await audits("provider.fallback_set")).map((e) => e.data)).toEqual([
      expect.objectContaining({ to: fallbackPresetId, tier: "draft" }),
    ]);
  });
});

describe("automatic failover", () => {
  it("keeps a healthy endpoint healthy (the probe answers, few failures) and moves nothing", async () => {
    await failedCalls(2);
    const verdicts = await evaluateEndpoints({ db: database.db });
    expect(verdicts.find((v) => v.providerId === mainId)).toMatchObject({ state: "healthy", moved: 0 });
    expect(await audits("provider.health_changed")).toHaveLength(0);
  });

  it("turns an endpoint with a high error rate unhealthy and moves its queued work of the fallback's tier, once audited", async () => {
    const draft = await queue("draft", 3);
    const support = await queue("support", 1);
    await failedCalls(6);
    const verdicts = await evaluateEndpoints({ db: database.db });
    expect(verdicts.find((v) => v.providerId === mainId)).toMatchObject({
      state: "unhealthy",
      changed: true,
      moved: 3,
      reason: "8 of 8 calls failed in 10 minutes",
    });
    const [health] = await database.db.select().from(providerHealth).where(eq(providerHealth.providerId, mainId));
    expect(health).toMatchObject({ state: "unhealthy", fallbackPresetId });

    const moves = await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, draft.batch.id));
    expect(moves).toHaveLength(3);
    expect(
      moves.every((m) => m.cause === "failover" && m.fromProviderId === mainId && m.toProviderId === backupId),
    ).toBe(true);
    expect(
      await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, support.batch.id)),
    ).toHaveLength(0);
    const [changed] = await audits("provider.health_changed");
    expect(changed!.data).toMatchObject({ from: "healthy", to: "unhealthy" });
    const failedOver = await audits("provider.failed_over");
    expect(failedOver).toHaveLength(1);
    expect(failedOver[0]!.data).toMatchObject({ moved: 3, tier: "draft", toProviderId: backupId });

    // The generations' own requests (made for the main endpoint) run them on the fallback: nothing dropped, nothing twice.
    const mainBefore = txt2img(main);
    for (const g of draft.rows) expect(await run(g.id, mainId)).toMatchObject({ status: "succeeded" });
    expect(txt2img(main)).toBe(mainBefore);
    expect(txt2img(backupSim)).toBe(3);
    const ledger = await database.db.select().from(costLedger).where(eq(costLedger.batchId, draft.batch.id));
    expect(ledger.map((l) => l.providerId)).toEqual([backupId, backupId, backupId]);

    // The Jobs page says what happened.
    const detail = await getBatch({ ctx: designer, batchId: draft.batch.id });
    expect(detail.moves).toHaveLength(1);
    expect(detail.moves[0]).toMatchObject({
      count: 3,
      text: "moved from Kiln GPU simulator to Backup box (failover: 8 of 8 calls failed in 10 minutes)",
    });
    // Work of another tier is never re-tiered; it stays on its endpoint.
    expect(
      (await database.db.select().from(generations).where(eq(generations.batchId, support.batch.id)))[0]!
        .presetVersionId,
    ).toBe(support.rows[0]!.presetVersionId);
  });

  it("sends work queued after the flip to the fallback at call time", async () => {
    const later = await queue("draft", 2);
    expect(await run(later.rows[0]!.id, mainId)).toMatchObject({ status: "succeeded" });
    // The whole queued tier moved with it in one audited move; the second runs on the fallback too.
    expect(
      await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, later.batch.id)),
    ).toHaveLength(2);
    expect(await run(later.rows[1]!.id, mainId)).toMatchObject({ status: "succeeded" });
    expect(txt2img(backupSim)).toBe(5);
    expect(await audits("provider.failed_over")).toHaveLength(2);
  });

  it("marks an endpoint whose probe fails unhealthy, and sends new work back once it recovers (moved work stays moved)", async () => {
    const future = new Date(Date.now() + 11 * 60_000); // the failures are out of the window by then
    const down = await evaluateEndpoints({
      db: database.db,
      now: future,
      probe: async (p) =>
        p.id === mainId ? { ok: false, message: "probe failed: connection refused" } : { ok: true, message: "ok" },
    });
    expect(down.find((v) => v.providerId === mainId)).toMatchObject({
      state: "unhealthy",
      reason: "probe failed: connection refused",
      changed: false,
    });

    const up = await evaluateEndpoints({ db: database.db, now: future });
    expect(up.find((v) => v.providerId === mainId)).toMatchObject({ state: "healthy", changed: true });
    const after = await queue("draft", 1);
    const mainBefore = txt2img(main);
    expect(await run(after.rows[0]!.id, mainId)).toMatchObject({ status: "succeeded" });
    expect(txt2img(main)).toBe(mainBefore + 1);
    expect(
      await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, after.batch.id)),
    ).toHaveLength(0);
    expect((await audits("provider.health_changed")).map((e) => (e.data as { to: string }).to)).toEqual([
      "unhealthy",
      "healthy",
    ]);
    // Earlier moves are history, not undone.
    expect(
      await database.db
        .select()
        .from(generationMoves)
        .where(and(eq(generationMoves.cause, "failover"))),
    ).toHaveLength(5);
  });

  it("does not fail over onto a paused fallback endpoint (the work stays put)", async () => {
    await database.db
      .update(providers)
      .set({ paused: true, pausedReason: "maintenance" })
      .where(eq(providers.id, backupId));
    const stuck = await queue("draft", 1);
    await failedCalls(6);
    const verdicts = await evaluateEndpoints({ db: database.db });
    expect(verdicts.find((v) => v.providerId === mainId)).toMatchObject({ state: "unhealthy", moved: 0 });
    expect(
      await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, stuck.batch.id)),
    ).toHaveLength(0);
    await database.db.update(providers).set({ paused: false, pausedReason: null }).where(eq(providers.id, backupId));
  });
});
