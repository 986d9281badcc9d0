import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { batches, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { getBatchSummary, listBatchesPage } from "./batch-views";
import { getActiveTemplate, listActivePresets } from "./catalog";
import { getGenerationView, listBatchGenerationsPage } from "./generation-views";
import { queueBatch } from "./queue-batch";
import { MAX_SKIPPED_KEPT, skippedRowsOf } from "./skipped-rows";

let database: Database;
let owner: ReturnType<typeof ctxFor>;
let stranger: ReturnType<typeof ctxFor>;
let admin: ReturnType<typeof ctxFor>;
let base: { templateId: string; presetId: string; values: Record<string, string | number> };
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  owner = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  stranger = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const { version } = await getActiveTemplate(database.db, product!.id);
  const draft = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!;
  base = { templateId: product!.id, presetId: draft.preset.id, values: initialValuesFor(version.definition) };
});
afterAll(async () => {
  await database.close();
});

function queue(ctx: ReturnType<typeof ctxFor>, rows = 1, skipped: { line: number; reasons: string[] }[] = []) {
  n += 1;
  return queueBatch({
    ctx,
    input: {
      templateId: base.templateId,
      presetId: base.presetId,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: Array.from({ length: rows }, (_, i) => ({ line: i + 2, values: base.values })),
      idempotencyKey: `pages-test-${n}-${Date.now()}`,
    },
    skipped,
  });
}

describe("listBatchesPage", () => {
  it("pages newest first without losing batches created within the same millisecond", async () => {
    const ids = [];
    for (let i = 0; i < 4; i += 1) ids.push((await queue(owner)).batch.id);
    // Four batches 1 µs apart within one millisecond, as a busy server can make them: the cursor
    // carries milliseconds, so the keyset must compare at that precision or skip batches.
    for (const [i, id] of ids.entries()) {
      await database.db.execute(
        sql`update batches set created_at = timestamptz '2026-01-01 10:00:00.123' + ${`${i} microseconds`}::interval where id = ${id}`,
      );
    }
    const seen: string[] = [];
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const page = await listBatchesPage({ ctx: owner, limit: 1, after });
      if (page.length === 0) break;
      seen.push(page[0]!.id);
      after = { at: page[0]!.createdAt, id: page[0]!.id };
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it("shows a designer their own batches only, an admin everyone's, and filters by status", async () => {
    const mine = (await queue(owner)).batch.id;
    const theirs = (await queue(stranger)).batch.id;
    const ownList = (await listBatchesPage({ ctx: owner, limit: 100 })).map((b) => b.id);
    expect(ownList).toContain(mine);
    expect(ownList).not.toContain(theirs);
    const all = (await listBatchesPage({ ctx: admin, limit: 100 })).map((b) => b.id);
    expect(all).toEqual(expect.arrayContaining([mine, theirs]));
    await database.db.update(batches).set({ status: "completed" }).where(eq(batches.id, mine));
    expect((await listBatchesPage({ ctx: owner, limit: 100, status: "completed" })).map((b) => b.id)).toEqual([mine]);
  });
});

describe("getBatchSummary and the generation views", () => {
  it("apply the Jobs page's visibility", async () => {
    const { batch } = await queue(owner, 3);
    expect((await getBatchSummary({ ctx: owner, batchId: batch.id })).counts.queued).toBe(3);
    await expect(getBatchSummary({ ctx: stranger, batchId: batch.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(getBatchSummary({ ctx: owner, batchId: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await expect(listBatchGenerationsPage({ ctx: stranger, batchId: batch.id, limit: 10 })).rejects.toMatchObject({
      code: "not_found",
    });

    const gens = await listBatchGenerationsPage({ ctx: owner, batchId: batch.id, limit: 2 });
    expect(gens.map((g) => g.rowLine)).toEqual([2, 3]);
    const rest = await listBatchGenerationsPage({
      ctx: owner,
      batchId: batch.id,
      limit: 10,
      after: { at: gens[1]!.createdAt.toISOString(), id: gens[1]!.id },
    });
    expect(rest.map((g) => g.rowLine)).toEqual([4]);

    expect((await getGenerationView({ ctx: owner, generationId: gens[0]!.id })).assetId).toBeNull();
    expect((await getGenerationView({ ctx: admin, generationId: gens[0]!.id })).id).toBe(gens[0]!.id);
    await expect(getGenerationView({ ctx: stranger, generationId: gens[0]!.id })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("skipped rows", () => {
  it("are recorded with the batch (capped, with the true count) and read back per batch", async () => {
    const many = Array.from({ length: MAX_SKIPPED_KEPT + 5 }, (_, i) => ({
      line: i + 10,
      reasons: [`Product name is required (row ${i}).`],
    }));
    const withSkips = (await queue(owner, 1, many)).batch.id;
    const without = (await queue(owner)).batch.id;
    const read = await skippedRowsOf(database.db, [withSkips, without]);
    expect(read.get(withSkips)!.count).toBe(MAX_SKIPPED_KEPT + 5);
    expect(read.get(withSkips)!.rows).toHaveLength(MAX_SKIPPED_KEPT);
    expect(read.get(withSkips)!.rows[0]).toEqual({ line: 10, reasons: ["Product name is required (row 0)."] });
    expect(read.has(without)).toBe(false);
  });
});
