/**
 * The call-time gate's time limit through the real generate-image function (inngest/functions/generation)
 * run by @inngest/test: held work gives up after ten days of polls. How held work waits, is woken,
 * hands on to a fresh run and goes on after a release is tested through the real runner in
 * lib/generation/resume-wakes.test.ts: @inngest/test cannot stand in for a waitForEvent step whose
 * event has a schema (the SDK validates the mock's promise as the event).
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
import { holdCampaign } from "./holds";

let database: Database;
let sim: RunningSimulator;
let generateImage: (typeof import("@/inngest/functions/generation/generate-image"))["generateImage"];
/** Stands in for the engine's event API, which the client needs; work that gives up sends nothing. */
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

it("gives up with budget_held once a run's carried polls reach the ten-day limit, without a call or a ledger row", async () => {
  const db = database.db;
  const { gen, data } = await queueHeldImage("Held long", "Until the brief lands.");
  // A continuation (lib/generation/resume-wakes.test.ts shows the hand-on) that has already waited
  // all but one poll of the ten days gives up on its next hold.
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
  expect(sim.stats().calls["/sdapi/v1/txt2img"] ?? 0).toBe(0);
  expect(await db.select().from(costLedger).where(eq(costLedger.generationId, gen.id))).toHaveLength(0);
  expect(sent).toEqual([]);
});
