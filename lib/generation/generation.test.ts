import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, bannedTerms, batches, costLedger, generations, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { costOfCall } from "@/lib/costs/estimate";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { initialValuesFor } from "@/test/template-values";
import { getActiveTemplate, listActivePresets } from "./catalog";
import { estimateBatch, queueBatch } from "./queue-batch";
import { assertWithinQuota } from "./quota";
import { deadLetterGeneration, makeGenerationRenditions, runGeneration } from "./run-generation";
import { settleBatch } from "./settle-batch";

let database: Database;
let sim: RunningSimulator;
let ctx: ReturnType<typeof ctxFor>;
let templateId: string;
let presetIds: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = (product ?? (await database.db.select().from(templates))[0]!).id;
  presetIds = Object.fromEntries((await listActivePresets(database.db)).map((p) => [p.preset.tier, p.preset.id]));
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

async function firstRowValues() {
  const { version } = await getActiveTemplate(database.db, templateId);
  return initialValuesFor(version.definition);
}

describe("queueing a batch", () => {
  it("writes the batch and one row per row × variant × ratio, once per idempotency key", async () => {
    const values = await firstRowValues();
    const request = {
      templateId,
      presetId: presetIds.draft,
      variantsPerRow: 2,
      aspectRatios: ["1:1", "16:9"],
      rows: [{ line: 1, values }],
      idempotencyKey: "key-0001-abcdef",
    };
    const estimate = await estimateBatch({ ctx, input: request });
    const first = await queueBatch({ ctx, input: request });
    const again = await queueBatch({ ctx, input: request });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, batch: { id: first.batch.id } });
    const rows = await database.db.select().from(generations).where(eq(generations.batchId, first.batch.id));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => `${r.width}x${r.height}`))).toEqual(new Set(["512x512", "704x384"]));
    expect(new Set(rows.map((r) => r.seed)).size).toBe(4);
    expect(first.batch.estimateMicros).toBe(estimate.micros);
    expect(estimate.micros).toBe(4 * 2_000);
    expect(rows[0]!.prompt.length).toBeGreaterThan(10);
  });

  it("refuses invalid rows with their line numbers, and writes nothing", async () => {
    const before = await database.db.select({ n: count() }).from(batches);
    await expect(
      queueBatch({
        ctx,
        input: {
          templateId,
          presetId: presetIds.support,
          variantsPerRow: 1,
          aspectRatios: ["1:1"],
          rows: [{ line: 7, values: {} }],
          idempotencyKey: "key-0002-abcdef",
        },
      }),
    ).rejects.toMatchObject({ code: "invalid_input", fields: { "line 7": expect.any(Array) } });
    expect(await database.db.select({ n: count() }).from(batches)).toEqual(before);
  });

  it("blocks a banned term before any GPU time, names the category, and audits it", async () => {
    await database.db.insert(bannedTerms).values({ term: "competitorco", category: "trademark" });
    const values = await firstRowValues();
    const key = Object.keys(values).find(
      (k) => typeof values[k] === "string" && !["background", "angle", "lighting"].includes(k),
    )!;
    const request = {
      templateId,
      presetId: presetIds.draft,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 3, values: { ...values, [key]: "C0mpetitor.Co bottle" } }],
      idempotencyKey: "key-0003-abcdef",
    };
    await expect(queueBatch({ ctx, input: request })).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringContaining("trademark"),
    });
    const [blocked] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "generation.blocked"));
    expect(blocked).toMatchObject({ actorId: ctx.actor.id, data: { line: 3, categories: ["trademark"] } });
    await database.db.delete(bannedTerms);
  });
});

describe("running a generation against the simulator over HTTP", () => {
  async function queueOne(key: string, overrides: Record<string, unknown> = {}) {
    const values = { ...(await firstRowValues()), ...overrides };
    const { batch } = await queueBatch({
      ctx,
      input: {
        templateId,
        presetId: presetIds.support,
        variantsPerRow: 1,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values }],
        idempotencyKey: key,
      },
    });
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    return gen!;
  }

  it("stores the image (renditions follow), records metadata, writes exactly one ledger row, and completes the batch", async () => {
    const gen = await queueOne("key-0101-abcdef");
    expect(await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 })).toEqual({
      status: "succeeded",
      generationId: gen.id,
      checkRunId: expect.any(String), // the new asset's checks, requested next
    });
    expect(await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 1 })).toEqual({
      status: "already_done",
      generationId: gen.id,
    });
    const [done] = await database.db.select().from(generations).where(eq(generations.id, gen.id));
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, width: 768, height: 768 });
    expect(done!.metadata).toMatchObject({ model: "kiln-sim-support-v1", provider: { kind: "a1111" } });
    // The provider's time is also a column (migration 0018): the Operations tab's latency reads it.
    expect(done!.providerMs).toEqual(expect.any(Number));
    expect(done!.providerMs).toBe(done!.metadata!.timings!.providerMs);
    const original = await getBlobStore().get(done!.blobKey!);
    original?.body.destroy(); // only the metadata is checked here
    expect(original?.contentType).toBe("image/png");
    expect(done!.renditions).toEqual({}); // made next, outside the GPU slot
    await makeGenerationRenditions({ db: database.db, store: getBlobStore(), generationId: gen.id });
    const [rendered] = await database.db.select().from(generations).where(eq(generations.id, gen.id));
    expect(rendered!.renditions.thumb).toMatchObject({ width: 320, contentType: "image/webp" });
    const ledger = await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen.id));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      outcome: "succeeded",
      billable: true,
      micros: costOfCall({ kind: "per_megapixel", microsPerMegapixel: 12_000 }, { width: 768, height: 768 }),
    });
    const [batch] = await database.db.select().from(batches).where(eq(batches.id, gen.batchId));
    expect(batch!.status).toBe("completed");
  });

  it("settles a batch in every case: queued with work left runs, nothing left completes, running with work left stays", async () => {
    const gen = await queueOne("key-0150-abcdef");
    const batchOf = async () => (await database.db.select().from(batches).where(eq(batches.id, gen.batchId)))[0]!;
    await database.db.transaction((tx) => settleBatch(tx, gen.batchId));
    expect(await batchOf()).toMatchObject({ status: "running", finishedAt: null });
    await database.db.transaction((tx) => settleBatch(tx, gen.batchId)); // running, work left: unchanged
    expect(await batchOf()).toMatchObject({ status: "running", finishedAt: null });
    await database.db.update(generations).set({ status: "dead_lettered" }).where(eq(generations.id, gen.id));
    await database.db.transaction((tx) => settleBatch(tx, gen.batchId));
    const done = await batchOf();
    expect(done.status).toBe("completed");
    expect(done.finishedAt).toBeInstanceOf(Date);
    // A queued batch with nothing left (its only row ended before it ran) completes at once.
    await database.db.update(batches).set({ status: "queued", finishedAt: null }).where(eq(batches.id, gen.batchId));
    await database.db.transaction((tx) => settleBatch(tx, gen.batchId));
    const again = await batchOf();
    expect(again.status).toBe("completed");
    // A finished (or cancelled) batch is never reopened.
    await database.db.update(generations).set({ status: "queued" }).where(eq(generations.id, gen.id));
    await database.db.transaction((tx) => settleBatch(tx, gen.batchId));
    expect(await batchOf()).toMatchObject({ status: "completed", finishedAt: again.finishedAt });
  });

  it("records a failed call in the ledger and reports it as retryable; each call gets its own row", async () => {
    const gen = await queueOne("key-0102-abcdef");
    sim.setConfig({ errorRate: 1 });
    try {
      for (const attempt of [0, 1]) {
        const error = await runGeneration({
          db: database.db,
          store: getBlobStore(),
          generationId: gen.id,
          attempt,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).retryable).toBe(true);
      }
    } finally {
      sim.setConfig({ errorRate: 0 });
    }
    await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 2 });
    const ledger = await database.db
      .select()
      .from(costLedger)
      .where(eq(costLedger.generationId, gen.id))
      .orderBy(costLedger.id);
    expect(ledger.map((l) => [l.outcome, l.micros > 0])).toEqual([
      ["failed", false],
      ["failed", false],
      ["succeeded", true],
    ]);
  });

  it("does not retry a content-filter refusal, and dead-lettering shows the reason and settles the batch", async () => {
    const values = await firstRowValues();
    const key = Object.keys(values).find(
      (k) =>
        typeof values[k] === "string" &&
        String(values[k]).length > 2 &&
        !["background", "angle", "lighting"].includes(k),
    )!;
    const gen = await queueOne("key-0103-abcdef", { [key]: "SIMULATE_NSFW" });
    const error = (await runGeneration({
      db: database.db,
      store: getBlobStore(),
      generationId: gen.id,
      attempt: 0,
    }).catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe("content_filtered");
    expect(error.retryable).toBe(false);
    await deadLetterGeneration({
      db: database.db,
      generationId: gen.id,
      code: "content_filtered",
      message: error.message,
    });
    const [row] = await database.db.select().from(generations).where(eq(generations.id, gen.id));
    expect(row).toMatchObject({ status: "dead_lettered", errorCode: "content_filtered" });
    const [batch] = await database.db.select().from(batches).where(eq(batches.id, gen.batchId));
    expect(batch!.status).toBe("completed");
  });
});

describe("quota", () => {
  it("refuses a batch beyond the user's rolling daily quota and says how much is left", async () => {
    const fresh = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    await expect(assertWithinQuota(fresh, 10, 10)).resolves.toEqual({ used: 0, remaining: 0 });
    await expect(assertWithinQuota(ctx, 1, 3)).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringContaining("0 left today"),
    });
    await expect(assertWithinQuota(ctx, 1_000_000, 0)).resolves.toEqual({ used: 0, remaining: null });
  });
});
