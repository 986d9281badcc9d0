import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { generations, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { getActiveTemplate, listActivePresets } from "./catalog";
import { measuredGpuTimes } from "./measured-gpu-time";
import { estimateBatch, queueBatch } from "./queue-batch";
import { runGeneration } from "./run-generation";

let database: Database;
let sim: RunningSimulator;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

describe("measuredGpuTimes", () => {
  it("learns a preset version's GPU time from the provider timings its generations recorded", async () => {
    const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const values = initialValuesFor((await getActiveTemplate(database.db, product!.id)).version.definition);
    const preset = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!;
    const request = {
      templateId: product!.id,
      presetId: preset.preset.id,
      variantsPerRow: 2,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values }],
    };
    expect(await measuredGpuTimes(database.db, [preset.version.id])).toEqual(new Map());
    const { batch } = await queueBatch({ ctx, input: { ...request, idempotencyKey: `k-${randomUUID()}` } });
    const gens = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    for (const g of gens)
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: g.id, attempt: 0 });
    const measured = (await measuredGpuTimes(database.db, [preset.version.id])).get(preset.version.id);
    expect(measured).toMatchObject({ runs: 2 });
    expect(measured!.medianSeconds).toBeGreaterThan(0);
    expect(measured!.lowSeconds).toBeLessThanOrEqual(measured!.highSeconds);
    // The estimate says how it was made: the draft preset is priced per image, so it is exact.
    expect((await estimateBatch({ ctx, input: request })).accuracy).toEqual({ kind: "exact" });
  });
});
