/**
 * The call-time gate through the real generate-image function (inngest/functions/generation):
 * a held campaign's work polls in the durable wait loop without calling the GPU endpoint or writing
 * a ledger row, and completes once the hold is released. The release happens inside the second
 * sleep step's mock, so the test does not depend on timing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { costLedger, generations, presetVersions, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { resetEnvForTests } from "@/lib/env";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { holdCampaign, releaseHold } from "./holds";

let database: Database;
let sim: RunningSimulator;
const WAITS_PER_RUN = 5;
let generateImage: (typeof import("@/inngest/functions/generation/generate-image"))["generateImage"];
/** Stands in for the engine's event API: the function sends kiln/check.requested from its step. */
const sent: { name: string; data?: Record<string, unknown> }[] = [];
const events = http.createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    const list = JSON.parse(body || "[]") as { name: string; data?: Record<string, unknown> }[];
    sent.push(...(Array.isArray(list) ? list : [list]));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ids: sent.map((_, i) => String(i)), status: 200 }));
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => events.listen(0, "127.0.0.1", r));
  // The Inngest client reads the engine's address when its module loads: set it first.
  vi.stubEnv("KILN_RUNNER_PORT", String((events.address() as AddressInfo).port));
  vi.stubEnv("INNGEST_DEV", "");
  // A short run before the hand-on to a fresh run (400 in production), so the test can reach it.
  vi.stubEnv("KILN_GENERATION_WAITS_PER_RUN", String(WAITS_PER_RUN));
  resetEnvForTests();
  ({ generateImage } = await import("@/inngest/functions/generation/generate-image"));
  database = await createTestDatabase();
  useDatabaseForTests(database);
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  resetEnvForTests();
  await new Promise((r) => events.close(r));
  await sim.close();
  await database.close();
});

/** One draft image queued by a new designer in a campaign that is then held: the generation and the event that runs it. */
async function queueHeldImage(campaign: string, detail: string) {
  const db = database.db;
  const designer = ctxFor(db, await createUserFactory(db, { role: "designer" }));
  const [product] = await db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const values = initialValuesFor((await getActiveTemplate(db, product!.id)).version.definition);
  const draft = (await listActivePresets(db)).find((p) => p.preset.tier === "draft")!;
  const { batch } = await queueBatch({
    ctx: designer,
    input: {
      templateId: product!.id,
      presetId: draft.preset.id,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values }],
      campaign,
      idempotencyKey: `call-time-${campaign}`,
    },
  });
  const hold = await holdCampaign(db, { campaign, reason: "manual", detail, heldBy: null });
  const [gen] = await db.select().from(generations).where(eq(generations.batchId, batch.id));
  const [version] = await db.select().from(presetVersions).where(eq(presetVersions.id, gen!.presetVersionId));
  return {
    gen: gen!,
    hold,
    data: { generationId: gen!.id, batchId: batch.id, providerId: version!.providerId, userId: designer.actor.id },
  };
}

it("waits while the campaign is held — no provider call, no ledger row — and completes after release", async () => {
  const db = database.db;
  const finance = ctxFor(db, await createUserFactory(db, { role: "finance" }));
  const { gen, hold, data } = await queueHeldImage("Held", "Waiting for the brief.");

  const seenWhileHeld: { calls: number; ledger: number; status: string }[] = [];
  const observe = async () => {
    const [row] = await db.select().from(generations).where(eq(generations.id, gen!.id));
    const ledger = await db.select().from(costLedger).where(eq(costLedger.generationId, gen!.id));
    seenWhileHeld.push({
      calls: sim.stats().calls["/sdapi/v1/txt2img"] ?? 0,
      ledger: ledger.length,
      status: row!.status,
    });
  };
  const t = new InngestTestEngine({
    function: generateImage,
    events: [{ name: "kiln/generation.requested", data }],
    steps: [
      { id: "budget-held-0", handler: observe },
      {
        id: "budget-held-1",
        handler: async () => {
          await observe();
          await releaseHold({ ctx: finance, input: { holdId: hold!.id } });
        },
      },
    ],
  });
  const { result, error } = await t.execute();
  expect(error).toBeUndefined();
  expect(result).toMatchObject({ status: "succeeded", generationId: gen!.id });
  // Two polls while held: nothing called, nothing billed, the row still queued.
  expect(seenWhileHeld).toEqual([
    { calls: 0, ledger: 0, status: "queued" },
    { calls: 0, ledger: 0, status: "queued" },
  ]);
  expect(sim.stats().calls["/sdapi/v1/txt2img"]).toBe(1);
  expect(await db.select().from(costLedger).where(eq(costLedger.generationId, gen!.id))).toHaveLength(1);
  // One event: the check run, which makes the renditions first (its generationId).
  expect(sent.map((e) => e.name)).toEqual(["kiln/check.requested"]);
  expect(sent[0]!.data).toMatchObject({ generationId: gen!.id, checkRunId: expect.any(String) });
});

it(
  "hands a long wait on to a fresh run before Inngest's steps-per-run limit, carrying the polls so the ten-day limit still holds",
  { timeout: 60_000 },
  async () => {
    const db = database.db;
    const { gen, data } = await queueHeldImage("Held long", "Until the brief lands.");

    const before = sent.length;
    const first = new InngestTestEngine({
      function: generateImage,
      events: [{ name: "kiln/generation.requested", data }],
      // The sleeps between polls, passed at once.
      steps: Array.from({ length: WAITS_PER_RUN }, (_, i) => ({ id: `budget-held-${i}`, handler: () => undefined })),
    });
    const run = await first.execute();
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ status: "continued", continuation: 1 });
    // WAITS_PER_RUN waits of two steps each, then the hand-on (400 in production: far inside the 1,000 steps a run may take).
    const handOn = sent.slice(before);
    expect(handOn).toEqual([
      expect.objectContaining({
        name: "kiln/generation.requested",
        data: { ...data, waited: { pauses: 0, holds: WAITS_PER_RUN, continuation: 1 } },
      }),
    ]);
    expect(await db.select().from(costLedger).where(eq(costLedger.generationId, gen!.id))).toHaveLength(0);

    // The counts carry: a continuation that has already waited all but one poll of the ten days gives up on its next hold.
    const late = new InngestTestEngine({
      function: generateImage,
      events: [
        {
          name: "kiln/generation.requested",
          data: { ...data, waited: { pauses: 0, holds: 2 * 60 * 24 - 1, continuation: 7 } },
        },
      ],
    });
    const end = await late.execute();
    expect((end.error as { message?: string }).message).toMatch(/\[budget_held\] The work waited ten days/);
  },
);
