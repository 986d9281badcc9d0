import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { auditEvents, campaignHolds, generations, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getBatch } from "@/lib/generation/batch-views";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { holdCampaignByHand, knownCampaigns, listActiveHolds, releaseHold } from "./holds";

let database: Database;
let sim: RunningSimulator;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

describe("pausing a campaign by hand", () => {
  it("holds the campaign's next generation (nothing dropped), is audited, finance may do it, designers may not, and release resumes", async () => {
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const [template] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const { version } = await getActiveTemplate(database.db, template!.id);
    const presetId = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!.preset.id;
    const { batch } = await queueBatch({
      ctx: designer,
      input: {
        templateId: template!.id,
        presetId,
        campaign: "spring-launch",
        variantsPerRow: 1,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values: initialValuesFor(version.definition) }],
        idempotencyKey: "manual-hold-0001",
      },
    });
    expect(await knownCampaigns({ ctx: finance })).toContain("spring-launch");

    await expect(
      holdCampaignByHand({ ctx: designer, input: { campaign: "spring-launch", detail: "x" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      holdCampaignByHand({ ctx: finance, input: { campaign: "spring-launch", detail: "" } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    const hold = await holdCampaignByHand({
      ctx: finance,
      input: { campaign: "spring-launch", detail: "Legal review of the claims" },
    });
    expect(hold).toMatchObject({ reason: "manual", heldBy: finance.actor.id });
    await expect(
      holdCampaignByHand({ ctx: finance, input: { campaign: "spring-launch", detail: "again" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect((await listActiveHolds({ ctx: finance })).map((h) => h.campaign)).toEqual(["spring-launch"]);

    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    const outcome = await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen!.id, attempt: 0 });
    expect(outcome).toMatchObject({
      status: "held",
      reason: expect.stringContaining("(manual: Legal review of the claims)"),
    });
    expect((await getBatch({ ctx: designer, batchId: batch.id })).waiting).toContain("spring-launch");

    await releaseHold({ ctx: finance, input: { holdId: hold.id } });
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen!.id, attempt: 0 }),
    ).toMatchObject({ status: "succeeded" });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, hold.id))
      .orderBy(auditEvents.seq);
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["campaign.held", finance.actor.id],
      ["campaign.released", finance.actor.id],
    ]);
    expect((await database.db.select().from(campaignHolds))[0]!.releasedAt).toBeInstanceOf(Date);
  });
});
