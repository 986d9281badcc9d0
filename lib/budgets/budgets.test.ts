import { randomUUID } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  auditEvents,
  budgetAlerts,
  campaignHolds,
  checkResults,
  costLedger,
  generations,
  notifications,
  templates,
  type User,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { estimateBatch, queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { getBatch } from "@/lib/generation/batch-views";
import { decideAsset } from "@/lib/review/decide";
import { createAssetInReview } from "@/lib/review/testing";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { checksForTier } from "@/lib/checks/registry";
import { getBlobStore } from "@/lib/storage";
import { assignUserTeam, createTeam } from "@/lib/teams";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { raiseBudgetAlerts } from "./alerts";
import { budgetGate } from "./gate";
import { holdCampaign, listActiveHolds, releaseHold } from "./holds";
import { createBudget, deactivateBudget, listBudgetStatuses, listBudgetsForCosts, updateBudget } from "./manage";
import { parseDollars } from "./dollars";
import { forecastMicros, periodBounds } from "./period";
import { budgetStatuses } from "./status";
import { budgets } from "@/db/schema";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let sim: RunningSimulator;
let admin: TestCtx;
let finance: TestCtx;
let templateId: string;
let draftPresetId: string;
let values: Record<string, string | number>;
const DRAFT_IMAGE = 2_000; // micros per draft image (the seeded simulator preset)

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = product!.id;
  values = initialValuesFor((await getActiveTemplate(database.db, templateId)).version.definition) as Record<
    string,
    string | number
  >;
  draftPresetId = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!.preset.id;
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

async function designer(): Promise<{ ctx: TestCtx; user: User }> {
  const user = await createUserFactory(database.db, { role: "designer" });
  return { ctx: ctxFor(database.db, user), user };
}

function request(images: number, campaign?: string) {
  return {
    templateId,
    presetId: draftPresetId,
    variantsPerRow: images,
    aspectRatios: ["1:1"],
    rows: [{ line: 1, values }],
    ...(campaign ? { campaign } : {}),
    idempotencyKey: `key-${randomUUID()}`,
  };
}

/** Money spent earlier in the period: one ledger row on a batch of the campaign, as a provider call writes it. */
async function spend(ctx: TestCtx, micros: number, campaign?: string) {
  const { batch } = await queueBatch({ ctx, input: request(1, campaign) });
  const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
  await database.db.update(generations).set({ status: "cancelled" }).where(eq(generations.id, gen!.id));
  await database.db.insert(costLedger).values({
    callKey: `${gen!.id}:generate:1`,
    generationId: gen!.id,
    userId: ctx.actor.id,
    operation: "generate",
    outcome: "succeeded",
    billable: true,
    micros,
    batchId: batch.id,
    purpose: "first_attempt",
  });
  return batch;
}

async function firstGeneration(batchId: string) {
  const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batchId)).limit(1);
  return gen!;
}

const txt2imgCalls = () => sim.stats().calls["/sdapi/v1/txt2img"] ?? 0;

describe("period math (UTC)", () => {
  it("finds the day, the ISO week from Monday, the month and the quarter, with the share elapsed", () => {
    const at = new Date("2026-01-04T06:00:00Z"); // a Sunday
    expect(periodBounds("day", at)).toEqual({
      start: new Date("2026-01-04T00:00:00Z"),
      end: new Date("2026-01-05T00:00:00Z"),
      elapsed: 0.25,
    });
    expect(periodBounds("week", at)).toMatchObject({
      start: new Date("2025-12-29T00:00:00Z"),
      end: new Date("2026-01-05T00:00:00Z"),
    });
    expect(periodBounds("week", new Date("2026-01-05T00:00:00Z"))).toMatchObject({
      start: new Date("2026-01-05T00:00:00Z"),
      elapsed: 0,
    });
    expect(periodBounds("month", new Date("2028-02-29T12:00:00Z"))).toMatchObject({
      start: new Date("2028-02-01T00:00:00Z"),
      end: new Date("2028-03-01T00:00:00Z"),
    });
    expect(periodBounds("quarter", new Date("2026-11-15T00:00:00Z"))).toMatchObject({
      start: new Date("2026-10-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
    expect(periodBounds("quarter", new Date("2026-03-31T23:59:59Z")).end).toEqual(new Date("2026-04-01T00:00:00Z"));
  });

  it("forecasts linearly to period end in whole micro-dollars", () => {
    const at = new Date("2026-01-04T06:00:00Z");
    expect(forecastMicros(1_000_001, periodBounds("day", at), at)).toBe(4_000_004);
    // Under a minute into the period there is no trend yet: the forecast is the spend.
    const early = new Date("2026-01-04T00:00:30Z");
    expect(forecastMicros(500, periodBounds("day", early), early)).toBe(500);
  });

  it("parses dollar inputs as decimal strings, never through a float", () => {
    expect(parseDollars("12.34")).toBe(12_340_000);
    expect(parseDollars("0.1")).toBe(100_000);
    expect(parseDollars("$1,200")).toBe(1_200_000_000);
    expect(parseDollars("0.000001")).toBe(1);
    expect(() => parseDollars("1.2345678")).toThrow(/not an amount/);
    expect(() => parseDollars("12,34")).toThrow(/not an amount/);
  });
});

describe("queue-time checks", () => {
  it("refuses a batch beyond its campaign budget, naming the budget and the remaining amount; the estimate shows it first", async () => {
    const { ctx } = await designer();
    await createBudget({
      ctx: finance,
      input: { scope: "campaign", scopeKey: "Spring launch", period: "month", limitMicros: 10_000 },
    });
    await spend(ctx, 4_500, "Spring launch");
    const estimate = await estimateBatch({ ctx, input: request(2, "Spring launch") });
    expect(estimate.budgets.headroom).toEqual([
      expect.objectContaining({ label: "campaign Spring launch", remainingMicros: 5_500, fitsMoney: true }),
    ]);
    expect(estimate.budgets.refusal).toBeNull();
    await expect(queueBatch({ ctx, input: request(2, "Spring launch") })).resolves.toMatchObject({ created: true }); // 4,000 queued, nothing spent yet
    // Queued work is spoken for: of the 5,500 left, 4,000 is committed, so a second 2-image batch no longer fits.
    const after = await estimateBatch({ ctx, input: request(1, "Spring launch") });
    expect(after.budgets.headroom).toEqual([
      expect.objectContaining({ remainingMicros: 1_500, committedMicros: 4_000, fitsMoney: false }),
    ]);
    const before = (await database.db.select({ n: count() }).from(generations))[0]!.n;
    const tooBig = request(1, "Spring launch"); // $0.002 > $0.0015 left after what is queued
    expect((await estimateBatch({ ctx, input: tooBig })).budgets.refusal).toMatch(
      /\$0\.0015 left of \$0\.01 after \$0\.004 of work already queued/,
    );
    await expect(queueBatch({ ctx, input: tooBig })).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringMatching(
        /budget for campaign Spring launch \(per month\) has \$0\.0015 left of \$0\.01 after \$0\.004 of work already queued.*ask finance/,
      ),
    });
    expect((await database.db.select({ n: count() }).from(generations))[0]!.n).toBe(before);
    // Another campaign's budget does not apply.
    await expect(queueBatch({ ctx, input: request(4, "Autumn") })).resolves.toMatchObject({ created: true });
  });

  it("refuses a batch beyond the user's team's image quota and the user's own spend limit", async () => {
    const { ctx, user } = await designer();
    const team = await createTeam({ ctx: admin, input: { name: `Growth ${randomUUID().slice(0, 6)}` } });
    await assignUserTeam({ ctx: admin, input: { userId: user.id, teamId: team.id } });
    await createBudget({ ctx: finance, input: { scope: "team", scopeKey: team.id, period: "week", limitImages: 5 } });
    await queueBatch({ ctx, input: request(3) });
    await expect(queueBatch({ ctx, input: request(3) })).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringMatching(/image quota for team Growth \w+ \(per week\) has 2 left of 5/),
    });
    await expect(queueBatch({ ctx, input: request(2) })).resolves.toMatchObject({ created: true });

    const solo = await designer();
    await createBudget({
      ctx: admin,
      input: { scope: "user", scopeKey: solo.user.id, period: "day", limitMicros: parseDollars("0.005") },
    });
    await spend(solo.ctx, 4_000);
    await expect(queueBatch({ ctx: solo.ctx, input: request(1) })).rejects.toMatchObject({
      message: expect.stringMatching(
        new RegExp(`budget for user ${solo.user.name} \\(per day\\) has \\$0\\.001 left of \\$0\\.005`),
      ),
    });
  });

  it("refuses work for a held campaign, and a deactivated budget no longer applies", async () => {
    const { ctx } = await designer();
    const b = await createBudget({
      ctx: finance,
      input: { scope: "campaign", scopeKey: "Tiny", period: "day", limitMicros: 1_000 },
    });
    await expect(queueBatch({ ctx, input: request(1, "Tiny") })).rejects.toMatchObject({
      message: expect.stringMatching(/has \$0\.001 left/),
    });
    await deactivateBudget({ ctx: finance, input: { budgetId: b.id } });
    await expect(queueBatch({ ctx, input: request(1, "Tiny") })).resolves.toMatchObject({ created: true });
    await holdCampaign(database.db, {
      campaign: "Tiny",
      reason: "manual",
      detail: "Checking the brief.",
      heldBy: null,
    });
    await expect(queueBatch({ ctx, input: request(1, "Tiny") })).rejects.toMatchObject({
      message: expect.stringMatching(/Campaign “Tiny” is on hold/),
    });
  });
});

describe("call-time gate", () => {
  it("makes work of an exhausted budget wait — no provider call, no ledger row — and run once the budget is raised", async () => {
    const { ctx } = await designer();
    const b = await createBudget({
      ctx: finance,
      input: { scope: "campaign", scopeKey: "Summer", period: "month", limitMicros: 10_000 },
    });
    const { batch } = await queueBatch({ ctx, input: request(1, "Summer") });
    await spend(ctx, 10_000, "Summer"); // another batch of the campaign used it all up meanwhile
    const gen = await firstGeneration(batch.id);
    const calls = txt2imgCalls();
    for (let i = 0; i < 2; i += 1) {
      const out = await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 });
      expect(out).toEqual({
        status: "held",
        generationId: gen.id,
        reason: expect.stringMatching(/^budget exhausted for campaign Summer \(\$0\.01 of \$0\.01 spent\)/),
      });
    }
    expect(txt2imgCalls()).toBe(calls);
    expect(await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen.id))).toEqual([]);
    expect(await firstGeneration(batch.id)).toMatchObject({ status: "queued", attempts: 0 });
    // The Jobs page says why the row waits.
    const view = await getBatch({ ctx, batchId: batch.id });
    expect(view.waiting).toMatch(/budget exhausted for campaign Summer/);
    expect(view.rows[0]!.waiting).toMatch(/budget exhausted for campaign Summer/);
    // The exhausted alert was written once, although the gate ran twice.
    expect(
      await database.db.select({ level: budgetAlerts.level }).from(budgetAlerts).where(eq(budgetAlerts.budgetId, b.id)),
    ).toHaveLength(2); // soft + exhausted

    await updateBudget({ ctx: finance, input: { budgetId: b.id, limitMicros: 20_000 } });
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 }),
    ).toMatchObject({ status: "succeeded" });
    expect(txt2imgCalls()).toBe(calls + 1);
    expect(await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen.id))).toHaveLength(1);
  });

  it("makes work of a held campaign wait until the hold is released (audited)", async () => {
    const { ctx } = await designer();
    const { batch } = await queueBatch({ ctx, input: request(1, "Paused promo") });
    const hold = await holdCampaign(database.db, {
      campaign: "Paused promo",
      reason: "manual",
      detail: "Legal check.",
      heldBy: null,
    });
    const gen = await firstGeneration(batch.id);
    const calls = txt2imgCalls();
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 }),
    ).toMatchObject({
      status: "held",
      reason: expect.stringContaining("campaign “Paused promo” is on hold (manual: Legal check.)"),
    });
    expect(txt2imgCalls()).toBe(calls);
    await expect(releaseHold({ ctx, input: { holdId: hold!.id } })).rejects.toMatchObject({ code: "forbidden" });
    await releaseHold({ ctx: finance, input: { holdId: hold!.id } });
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 }),
    ).toMatchObject({ status: "succeeded" });
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "campaign.released"), eq(auditEvents.subjectId, hold!.id)));
    expect(audit).toMatchObject({ actorId: finance.actor.id, data: { campaign: "Paused promo" } });
  });
});

describe("soft-limit alerts", () => {
  it("writes one alert and one set of notifications when two checks cross at once", async () => {
    const { ctx, user } = await designer();
    const b = await createBudget({
      ctx: finance,
      input: { scope: "user", scopeKey: user.id, period: "month", limitMicros: 10_000, softLimitPercent: 50 },
    });
    const { batch } = await queueBatch({ ctx, input: request(1) });
    const gen = await firstGeneration(batch.id);
    await spend(ctx, 6_000);
    expect(await database.db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, b.id))).toEqual([]);
    const [row] = await database.db.select().from(budgets).where(eq(budgets.id, b.id));
    const statuses = await budgetStatuses(database.db, [row!]);
    expect(statuses[0]).toMatchObject({ state: "soft", spentMicros: 6_000, remainingMicros: 4_000 });
    // Two concurrent crossings: two alert writers and two call-time gates at the same moment.
    const results = await Promise.all([
      raiseBudgetAlerts(database.db, statuses),
      raiseBudgetAlerts(database.db, statuses),
      budgetGate(database.db, gen),
      budgetGate(database.db, gen),
    ]);
    expect(results.slice(0, 2).sort()).toEqual([0, 1]);
    expect(await database.db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, b.id))).toEqual([
      expect.objectContaining({ level: "soft", spentMicros: 6_000 }),
    ]);
    const sent = await database.db.select().from(notifications).where(eq(notifications.kind, "budget.soft"));
    const forThis = sent.filter((n) => n.message.includes(user.name));
    // Finance and admins, and the user the budget is for — once each.
    const recipients = forThis.map((n) => n.userId).sort();
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toEqual(expect.arrayContaining([finance.actor.id, admin.actor.id, user.id]));
    expect(forThis[0]!.message).toMatch(/passed its 50% alert: \$0\.006 of \$0\.01 spent/);
  });
});

describe("alerts for a budget saved below what was spent", () => {
  it("writes the alert when the budget is created or lowered, so the list never says 'No alerts yet' beside 'past alert'", async () => {
    const { ctx, user } = await designer();
    await spend(ctx, 6_000);
    const b = await createBudget({
      ctx: finance,
      input: { scope: "user", scopeKey: user.id, period: "month", limitMicros: 10_000, softLimitPercent: 50 },
    });
    expect((await listBudgetStatuses({ ctx: finance })).find((s) => s.id === b.id)?.state).toBe("soft");
    expect(await database.db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, b.id))).toEqual([
      expect.objectContaining({ level: "soft", spentMicros: 6_000 }),
    ]);
    // Lowered below the spend: used up, announced at once.
    await updateBudget({
      ctx: finance,
      input: { budgetId: b.id, limitMicros: 5_000, softLimitPercent: 50, active: true },
    });
    const levels = (await database.db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, b.id)))
      .map((a) => a.level)
      .sort();
    expect(levels).toEqual(["exhausted", "soft"]);
  });
});

describe("stop-loss", () => {
  it("holds a campaign when the reject rate over its last N decided assets reaches the threshold; its work waits until released", async () => {
    const { ctx, user } = await designer();
    const reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
    await createBudget({
      ctx: finance,
      input: {
        scope: "campaign",
        scopeKey: "Risky",
        period: "month",
        limitMicros: 1_000_000,
        stopLossRejectPercent: 50,
        stopLossWindow: 4,
      },
    });
    const fixtures = await Promise.all(
      Array.from({ length: 4 }, () => createAssetInReview(database.db, { ownerId: user.id, campaign: "Risky" })),
    );
    const decide = (i: number, decision: "approve" | "reject") =>
      decideAsset({
        ctx: reviewer,
        input: {
          assetId: fixtures[i]!.asset.id,
          assetVersionId: fixtures[i]!.version.id,
          decision,
          ...(decision === "reject" ? { reasonCode: "brand_guideline" } : {}),
        },
      });
    await decide(0, "reject");
    await decide(1, "reject"); // 2 of 2: not a full window yet
    await decide(2, "approve");
    expect(await database.db.select().from(campaignHolds).where(eq(campaignHolds.campaign, "Risky"))).toEqual([]);
    await decide(3, "approve"); // 2 of 4 = 50%
    const holds = await database.db.select().from(campaignHolds).where(eq(campaignHolds.campaign, "Risky"));
    expect(holds).toEqual([
      expect.objectContaining({
        reason: "stop_loss",
        detail: expect.stringContaining("2 of the last 4 decided assets were rejected (50%, stop-loss at 50%)"),
        releasedAt: null,
      }),
    ]);
    expect(
      await database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "campaign.held"), eq(auditEvents.subjectId, holds[0]!.id))),
    ).toHaveLength(1);
    const told = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, "budget.campaign_held"),
          inArray(notifications.userId, [finance.actor.id, admin.actor.id]),
        ),
      );
    expect(told.filter((n) => n.message.includes("Risky"))).toHaveLength(2);
    expect((await listActiveHolds({ ctx: finance })).map((h) => h.campaign)).toContain("Risky");

    // Queued work of the campaign waits; releasing lets it go on.
    const { batch } = await holdFreeQueue(ctx, "Risky", holds[0]!.id);
    const gen = await firstGeneration(batch.id);
    const calls = txt2imgCalls();
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 }),
    ).toMatchObject({ status: "held", reason: expect.stringContaining("stop-loss") });
    expect(txt2imgCalls()).toBe(calls);
    await releaseHold({ ctx: finance, input: { holdId: holds[0]!.id } });
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 }),
    ).toMatchObject({ status: "succeeded" });
  });
});

describe("stop-loss after automated decisions", () => {
  it("holds the campaign when the checks reject too many of its last N images", async () => {
    const { ctx } = await designer();
    await createBudget({
      ctx: finance,
      input: {
        scope: "campaign",
        scopeKey: "Auto",
        period: "month",
        limitMicros: 1_000_000,
        stopLossRejectPercent: 50,
        stopLossWindow: 3,
      },
    });
    const { batch } = await queueBatch({ ctx, input: request(3, "Auto") });
    const gens = (await database.db.select().from(generations).where(eq(generations.batchId, batch.id))).sort(
      (a, b) => a.variantIndex - b.variantIndex,
    );
    const fails = (i: number) => i !== 1;
    const decided: string[] = [];
    for (const [i, gen] of gens.entries()) {
      const run = await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen.id, attempt: 0 });
      // The checks' results as the check functions store them: the first and third images fail safety.
      await database.db
        .insert(checkResults)
        .values(
          checksForTier("draft").map((c) => ({
            checkRunId: run.checkRunId!,
            checkId: c.id,
            checkVersion: c.version,
            verdict: fails(i) ? ("fail" as const) : ("pass" as const),
            reasonCode: fails(i) ? "nsfw" : null,
            detail: "test",
            durationMs: 1,
          })),
        );
      decided.push((await decideCheckRun({ db: database.db, checkRunId: run.checkRunId! })).decision.next);
      // No hold before a full window of decided assets.
      if (i < 2)
        expect(await database.db.select().from(campaignHolds).where(eq(campaignHolds.campaign, "Auto"))).toEqual([]);
    }
    expect(decided).toEqual(["rejected", "approved", "rejected"]);
    expect(
      await database.db.select({ status: assets.status }).from(assets).where(eq(assets.batchId, batch.id)),
    ).toHaveLength(3);
    const holds = await database.db.select().from(campaignHolds).where(eq(campaignHolds.campaign, "Auto"));
    expect(holds).toEqual([
      expect.objectContaining({
        reason: "stop_loss",
        detail: expect.stringContaining("2 of the last 3 decided assets were rejected (67%, stop-loss at 50%)"),
      }),
    ]);
  });
});

/** Queueing refuses a held campaign, so queue with the hold lifted for a moment and put it back (as work queued before the hold would be). */
async function holdFreeQueue(ctx: TestCtx, campaign: string, holdId: string) {
  await database.db.update(campaignHolds).set({ releasedAt: new Date() }).where(eq(campaignHolds.id, holdId));
  const queued = await queueBatch({ ctx, input: request(1, campaign) });
  await database.db.update(campaignHolds).set({ releasedAt: null }).where(eq(campaignHolds.id, holdId));
  return queued;
}

describe("who may manage budgets", () => {
  it("refuses designers and reviewers; finance and admins may", async () => {
    const { ctx } = await designer();
    const input = { scope: "campaign", scopeKey: "Nope", period: "day", limitMicros: 1_000 };
    await expect(createBudget({ ctx, input })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listBudgetStatuses({ ctx })).rejects.toMatchObject({ code: "forbidden" });
    const reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
    await expect(createBudget({ ctx: reviewer, input })).rejects.toMatchObject({ code: "forbidden" });
    const b = await createBudget({ ctx: admin, input });
    await expect(updateBudget({ ctx, input: { budgetId: b.id, limitMicros: 5_000 } })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(createTeam({ ctx: finance, input: { name: "Finance's own" } })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("shows budget vs actual on the Costs page in the viewer's cost scope", async () => {
    const mine = await createTeam({ ctx: admin, input: { name: `Costs scope ${randomUUID()}` } });
    const other = await createTeam({ ctx: admin, input: { name: `Costs other ${randomUUID()}` } });
    const { ctx, user } = await designer();
    await assignUserTeam({ ctx: admin, input: { userId: user.id, teamId: mine.id } });
    const own = await createBudget({
      ctx: finance,
      input: { scope: "team", scopeKey: mine.id, period: "month", limitMicros: 9_000 },
    });
    const theirs = await createBudget({
      ctx: finance,
      input: { scope: "team", scopeKey: other.id, period: "month", limitMicros: 9_000 },
    });
    const personal = await createBudget({
      ctx: finance,
      input: { scope: "user", scopeKey: user.id, period: "week", limitMicros: 1_000 },
    });
    const seen = (await listBudgetsForCosts({ ctx })).map((s) => s.id);
    expect(seen.sort()).toEqual([own.id, personal.id].sort());
    const all = (await listBudgetsForCosts({ ctx: finance })).map((s) => s.id);
    expect(all).toEqual(expect.arrayContaining([own.id, theirs.id, personal.id]));
  });

  it("validates limits: one of money or images, stop-loss on campaigns only, no duplicate per period", async () => {
    await expect(
      createBudget({ ctx: finance, input: { scope: "campaign", scopeKey: "X", period: "day" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { limitMicros: ["Set a spend limit, an image quota, or both."] },
    });
    await expect(
      createBudget({ ctx: finance, input: { scope: "campaign", scopeKey: "X", period: "day", limitMicros: 1.5 } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      createBudget({
        ctx: finance,
        input: {
          scope: "user",
          scopeKey: finance.actor.id,
          period: "day",
          limitMicros: 1,
          stopLossRejectPercent: 10,
          stopLossWindow: 5,
        },
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await createBudget({
      ctx: finance,
      input: { scope: "campaign", scopeKey: "Dup", period: "week", limitImages: 10 },
    });
    await expect(
      createBudget({ ctx: finance, input: { scope: "campaign", scopeKey: "Dup", period: "week", limitImages: 20 } }),
    ).rejects.toMatchObject({ code: "conflict" });
    const [audit] = await database.db
      .select({ n: count() })
      .from(auditEvents)
      .where(eq(auditEvents.action, "budget.created"));
    expect(audit!.n).toBeGreaterThan(0);
  });
});

describe("estimate vs actual on the Jobs page", () => {
  it("compares the estimate with the ledger, with retries and re-rolls broken out", async () => {
    const { ctx } = await designer();
    const { batch } = await queueBatch({ ctx, input: request(2) });
    const gens = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    const row = (
      g: (typeof gens)[number],
      n: number,
      purpose: "first_attempt" | "retry" | "reroll",
      micros: number,
    ) => ({
      callKey: `${g.id}:generate:${n}`,
      generationId: g.id,
      userId: ctx.actor.id,
      operation: "generate",
      outcome: "succeeded",
      billable: true,
      micros,
      batchId: batch.id,
      purpose,
    });
    await database.db
      .insert(costLedger)
      .values([row(gens[0]!, 1, "first_attempt", 2_000), row(gens[0]!, 2, "retry", 2_000)]);
    await database.db.update(generations).set({ status: "succeeded" }).where(eq(generations.id, gens[0]!.id));
    // Half the batch finished: its actual is compared with half the estimate.
    expect((await getBatch({ ctx, batchId: batch.id })).costs).toMatchObject({
      actualMicros: 4_000,
      expectedSoFarMicros: DRAFT_IMAGE,
      errorPercent: 100,
    });
    await database.db
      .insert(costLedger)
      .values([row(gens[1]!, 1, "first_attempt", 2_000), row(gens[1]!, 9, "reroll", 1_000)]);
    await database.db.update(generations).set({ status: "succeeded" }).where(eq(generations.id, gens[1]!.id));
    const view = await getBatch({ ctx, batchId: batch.id });
    expect(view.costs).toEqual({
      estimateMicros: 2 * DRAFT_IMAGE,
      actualMicros: 7_000,
      firstAttemptMicros: 4_000,
      retryMicros: 2_000,
      rerollMicros: 1_000,
      editMicros: 0,
      retryCalls: 1,
      rerollCalls: 1,
      expectedSoFarMicros: 2 * DRAFT_IMAGE,
      errorPercent: 75,
    });
  });
});
