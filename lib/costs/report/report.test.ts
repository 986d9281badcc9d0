import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  auditEvents,
  bannedTerms,
  providers,
  teams,
  templates,
  users,
  type Batch,
  type Generation,
  type User,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { resolveSession } from "@/lib/auth/resolve-session";
import { startSession } from "@/lib/auth/sessions";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { deadLetterGeneration } from "@/lib/generation/run-generation";
import { decideAsset } from "@/lib/review/decide";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { costBreakdown } from "./breakdown";
import { exportCostCsv } from "./export";
import { parseCostFilters } from "./filters";
import { costGroups } from "./groups";
import { topRejectReasons } from "./reasons";
import { costQuery, getCostReport, getOperationsReport } from "./report";
import { costSeries } from "./series";
import { costHistory } from "./testing";
import { costTotals } from "./totals";

type TestCtx = ReturnType<typeof ctxFor>;
const DAY = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z");
const dayStr = (n: number) => new Date(today.getTime() - n * DAY).toISOString().slice(0, 10);
/** n days before today (UTC), at the given hour. */
const at = (n: number, hour = 10) => new Date(today.getTime() - n * DAY + hour * 3_600_000);

let database: Database;
let finance: TestCtx, admin: TestCtx, reviewer: TestCtx, reviewer2: TestCtx;
let dana: TestCtx, dev: TestCtx, gus: TestCtx, nora: TestCtx; // Brand, Brand, Growth, no team
let brandId: string, growthId: string;
const db = () => database.db;

/**
 * The known history (amounts in micro-dollars), all within the last seven days except one old row:
 *   Spring (Dana, Brand, support)  g1: call 1 failed 50,000 + retry 120,000 → approved by a reviewer
 *                                  g2: 120,000 → rejected by the checks (blur) → re-roll g3: 120,000,
 *                                      edited (30,000, local engine) → approved by a reviewer
 *   Spring (Dev, Brand, hero)      g4: 400,000, edited (25,000) → rejected by a reviewer (trademark_logo)
 *   =cmd() (Gus, Growth, draft)    g5: 10,000 → approved by the checks
 *                                  g6: failed 10,000 + retry failed 10,000 → dead-lettered (no image)
 *   no campaign (Nora, no team)    g7: 10,000 → image made, not checked yet
 *   overhead                       a connection test: 5,000
 *   40 days ago (out of range)     Spring g0: 999,999
 */
const H = {
  spend: 910_000,
  overhead: 5_000,
  attributed: 905_000,
  approved: 3,
  rejected: 2,
  cpu: 301_667, // 905,000 ÷ 3 = 301,666.67 → rounded half up
  spring: { spend: 865_000, approved: 2, rejected: 2, cpu: 432_500 },
};

const g = {} as Record<"g0" | "g1" | "g2" | "g3" | "g4" | "g5" | "g6" | "g7", Generation>;
let spring: Batch;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: db(), simulatorUrl: "http://127.0.0.1:9" });
  const [brand] = await db().insert(teams).values({ name: "Brand" }).returning();
  const [growth] = await db().insert(teams).values({ name: "Growth" }).returning();
  brandId = brand!.id;
  growthId = growth!.id;
  const user = async (role: User["role"], name: string, teamId: string | null = null) => {
    const u = await createUserFactory(db(), { role, name });
    if (teamId) await db().update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(db(), u);
  };
  finance = await user("finance", "Finn Finance");
  admin = await user("admin", "Ada Admin");
  reviewer = await user("reviewer", "Rita Reviewer");
  reviewer2 = await user("reviewer", "Ben Reviewer");
  dana = await user("designer", "Dana Designer", brandId);
  dev = await user("designer", "Dev Designer", brandId);
  gus = await user("designer", "Gus Growth", growthId);
  nora = await user("designer", "Nora Noteam");

  const h = costHistory(db());
  const approve = async (ctx: TestCtx, made: { assetId: string; assetVersionId: string }) =>
    decideAsset({ ctx, input: { assetId: made.assetId, assetVersionId: made.assetVersionId, decision: "approve" } });

  spring = await h.batch({ ownerId: dana.actor.id, campaign: "Spring" });
  g.g0 = await h.generation(spring, { tier: "support" });
  await h.call(g.g0, { micros: 999_999, at: at(40) });

  g.g1 = await h.generation(spring, { tier: "support" });
  await h.call(g.g1, { micros: 50_000, at: at(3), failed: true });
  await h.call(g.g1, { micros: 120_000, at: at(3, 11) });
  const a1 = await h.succeed(g.g1, { providerMs: 1000 });
  expect((await h.check(a1.checkRunId, "support")).decision.next).toBe("in_review");
  expect((await approve(reviewer, a1)).status).toBe("approved");

  g.g2 = await h.generation(spring, { tier: "support" });
  await h.call(g.g2, { micros: 120_000, at: at(2) });
  const a2 = await h.succeed(g.g2, { providerMs: 2000 });
  const rejected = await h.check(a2.checkRunId, "support", { fail: "sharpness" });
  expect(rejected.decision.next).toBe("rejected");
  expect(rejected.reroll).not.toBeNull();
  g.g3 = (await h.generationsOf(spring)).find((x) => x.id === rejected.reroll!.generationId)!;
  expect(g.g3).toMatchObject({ rerollOf: g.g2.id, lineageRootId: g.g2.id });
  await h.call(g.g3, { micros: 120_000, at: at(2, 12) });
  const a3 = await h.succeed(g.g3, { providerMs: 3000 });
  expect((await h.check(a3.checkRunId, "support")).decision.next).toBe("in_review");
  await h.edit(a3, g.g3, { micros: 30_000, at: at(1), engine: "esrgan-local" });
  expect((await approve(reviewer, a3)).status).toBe("approved");

  const springHero = await h.batch({ ownerId: dev.actor.id, campaign: "Spring" });
  g.g4 = await h.generation(springHero, { tier: "hero" });
  await h.call(g.g4, { micros: 400_000, at: at(1) });
  const a4 = await h.succeed(g.g4, { providerMs: 4000 });
  expect((await h.check(a4.checkRunId, "hero")).decision.next).toBe("in_review");
  await h.edit(a4, g.g4, { micros: 25_000, at: at(1, 11) });
  expect(
    (
      await decideAsset({
        ctx: reviewer2,
        input: {
          assetId: a4.assetId,
          assetVersionId: a4.assetVersionId,
          decision: "reject",
          reasonCode: "trademark_logo",
        },
      })
    ).status,
  ).toBe("rejected");

  const cmd = await h.batch({ ownerId: gus.actor.id, campaign: "=cmd()" });
  g.g5 = await h.generation(cmd, { tier: "draft" });
  await h.call(g.g5, { micros: 10_000, at: at(1) });
  const a5 = await h.succeed(g.g5, { providerMs: 5000 });
  expect((await h.check(a5.checkRunId, "draft")).decision.next).toBe("approved");
  g.g6 = await h.generation(cmd, { tier: "draft" });
  await h.call(g.g6, { micros: 10_000, at: at(1), failed: true });
  await h.call(g.g6, { micros: 10_000, at: at(1, 11), failed: true });
  await deadLetterGeneration({
    db: db(),
    generationId: g.g6.id,
    code: "provider_unavailable",
    message: "The GPU endpoint did not answer.",
  });

  const loose = await h.batch({ ownerId: nora.actor.id });
  g.g7 = await h.generation(loose, { tier: "draft" });
  await h.call(g.g7, { micros: 10_000, at: at(1) });
  // Not checked yet: the image exists, nobody has decided.
  await h.succeed(g.g7, { providerMs: 6000 });
  await h.overhead({
    providerId: (await db().select().from(providers).limit(1))[0]!.id,
    userId: admin.actor.id,
    micros: 5_000,
    at: at(3),
  });
}, 120_000);

afterAll(async () => {
  await database?.close();
});

const filters = (input: Record<string, string> = {}) => parseCostFilters({ from: dayStr(6), to: dayStr(0), ...input });

describe("the headline figures reconcile with the known history to the micro-dollar", () => {
  it("finance sees every figure: spend with overhead, approved, cost per usable asset, reject and retry rates", async () => {
    const { scope } = await costQuery(finance, {});
    expect(scope).toEqual({ kind: "all" });
    const t = await costTotals(db(), filters(), scope);
    expect(t).toEqual({
      spendMicros: H.spend,
      attributedMicros: H.attributed,
      overheadMicros: H.overhead,
      calls: 12,
      generationCalls: 9, // g1 ×2, g2, g3, g4, g5, g6 ×2, g7 (edits and the connection test are not generation calls)
      retryCalls: 2,
      approved: H.approved,
      rejected: H.rejected,
      costPerUsableMicros: H.cpu,
      rejectRate: 2 / 5,
      retryRate: 2 / 9,
    });
  });

  it("the default range is the last 30 days (the 40-day-old call is outside it; a wider range includes it)", async () => {
    const def = parseCostFilters({});
    expect(def).toMatchObject({ from: dayStr(29), to: dayStr(0), days: 30 });
    expect((await costTotals(db(), def, { kind: "all" })).spendMicros).toBe(H.spend);
    // A start date alone covers 30 days from it: here only the old call.
    expect((await costTotals(db(), parseCostFilters({ from: dayStr(45) }), { kind: "all" })).spendMicros).toBe(999_999);
    expect(
      (await costTotals(db(), parseCostFilters({ from: dayStr(45), to: dayStr(0) }), { kind: "all" })).spendMicros,
    ).toBe(H.spend + 999_999);
  });

  it("where the money went: purposes and outcomes each add up to the spend; rejected work is named", async () => {
    const b = await costBreakdown(db(), filters(), { kind: "all" });
    expect(b.byPurpose).toEqual([
      { purpose: "first_attempt", micros: 600_000, calls: 6 }, // g1#1 50k, g2 120k, g4 400k, g5 10k, g6#1 10k, g7 10k
      { purpose: "retry", micros: 130_000, calls: 2 }, // g1#2 120k, g6#2 10k
      { purpose: "reroll", micros: 120_000, calls: 1 }, // g3
      { purpose: "edit", micros: 55_000, calls: 2 }, // a3 30k, a4 25k
      { purpose: "overhead", micros: 5_000, calls: 1 },
    ]);
    expect(b.byOutcome).toEqual([
      { outcome: "approved", micros: 330_000, calls: 5 }, // L1 170k, g3 120k + its edit 30k, g5 10k
      { outcome: "rejected", micros: 545_000, calls: 3 }, // g2 120k, g4 400k + its edit 25k
      { outcome: "checking", micros: 10_000, calls: 1 }, // g7
      { outcome: "no_image", micros: 20_000, calls: 2 }, // g6, dead-lettered
      { outcome: "overhead", micros: 5_000, calls: 1 },
    ]);
    expect(b.rejectedMicros).toBe(545_000);
    expect(b.cells).toContainEqual({ purpose: "edit", outcome: "rejected", micros: 25_000, calls: 1 });
    expect(b.cells).toContainEqual({ purpose: "retry", outcome: "approved", micros: 120_000, calls: 1 });
    expect(b.cells).toContainEqual({ purpose: "retry", outcome: "no_image", micros: 10_000, calls: 1 });
  });

  it("finds the image of a call whose asset was made before the range's start (a call record settled late), not only the recent ones", async () => {
    const expected = await costBreakdown(db(), filters(), { kind: "all" });
    const shift = (direction: "-" | "+") =>
      db().execute(sql`update assets set created_at = created_at ${sql.raw(direction)} interval '400 days'`);
    await shift("-");
    try {
      const moved = await costBreakdown(db(), filters(), { kind: "all" });
      expect(moved).toEqual(expected);
      expect(moved.byOutcome.find((o) => o.outcome === "approved")?.micros).toBe(330_000);
    } finally {
      await shift("+");
    }
  });

  it("a campaign filter keeps the lineages of its batches (re-roll and edits included) and drops overhead", async () => {
    const t = await costTotals(db(), filters({ campaign: "Spring" }), { kind: "all" });
    expect(t).toMatchObject({
      spendMicros: H.spring.spend,
      overheadMicros: 0,
      approved: 2,
      rejected: 2,
      costPerUsableMicros: H.spring.cpu,
      rejectRate: 0.5,
    });
    // Tier comes through the lineage: the local-engine edit of the re-rolled support image counts as support.
    const support = await costTotals(db(), filters({ tier: "support" }), { kind: "all" });
    expect(support).toMatchObject({ spendMicros: 440_000, approved: 2, rejected: 1, costPerUsableMicros: 220_000 });
  });

  it("the tables add up to the headline, with overhead as its own row", async () => {
    const byCampaign = await costGroups(db(), filters(), { kind: "all" }, "campaign");
    expect(byCampaign.map((r) => [r.label, r.spendMicros, r.approved, r.rejected, r.costPerUsableMicros])).toEqual([
      ["Spring", 865_000, 2, 2, 432_500],
      ["=cmd()", 30_000, 1, 0, 30_000],
      ["(no campaign)", 10_000, 0, 0, null],
      ["Overhead (not attributable to an asset)", 5_000, 0, 0, null],
    ]);
    const spring = byCampaign[0]!;
    expect(spring).toMatchObject({ calls: 7, generationCalls: 5, retryCalls: 1, rejectRate: 0.5, retryRate: 1 / 5 });
    const byTier = await costGroups(db(), filters(), { kind: "all" }, "tier");
    expect(byTier.map((r) => [r.key, r.spendMicros, r.approved, r.rejected])).toEqual([
      ["support", 440_000, 2, 1],
      ["hero", 425_000, 0, 1],
      ["draft", 40_000, 1, 0],
      ["~overhead", 5_000, 0, 0],
    ]);
    const byTeam = await costGroups(db(), filters(), { kind: "all" }, "team");
    expect(byTeam.map((r) => [r.label, r.spendMicros])).toEqual([
      ["Brand", 865_000],
      ["Growth", 30_000],
      ["(no team)", 10_000],
      ["Overhead (not attributable to an asset)", 5_000],
    ]);
    for (const dim of ["model", "preset", "user"] as const) {
      const rows = await costGroups(db(), filters(), { kind: "all" }, dim);
      expect(rows.reduce((s, r) => s + r.spendMicros, 0)).toBe(H.spend);
      expect(rows.reduce((s, r) => s + r.approved, 0)).toBe(H.approved);
    }
  });

  it("the daily series has every day of the range and sums to the headline", async () => {
    const days = await costSeries(db(), filters(), { kind: "all" });
    expect(days.map((d) => d.day)).toEqual([6, 5, 4, 3, 2, 1, 0].map(dayStr));
    expect(days.map((d) => d.spendMicros)).toEqual([0, 0, 0, 175_000, 240_000, 495_000, 0]);
    expect(days.reduce((s, d) => s + d.spendMicros, 0)).toBe(H.spend);
    // Every decision was made today (by the real review and check code).
    // Per day the definition is that day's spend ÷ that day's approvals: nothing was spent today.
    expect(days.at(-1)).toMatchObject({ approved: 3, rejected: 2, costPerUsableMicros: 0, rejectRate: 0.4 });
    expect(days[3]).toMatchObject({ approved: 0, costPerUsableMicros: null, retryRate: 1 / 2 });
  });

  it("top reject reasons: a reviewer's reason code and a check's, each with what the rejected image cost", async () => {
    expect(await topRejectReasons(db(), filters(), { kind: "all" })).toEqual([
      { code: "trademark_logo", label: "Trademark / logo", assets: 1, byReviewer: 1, micros: 425_000 },
      { code: "sharpness", label: "sharpness", assets: 1, byReviewer: 0, micros: 120_000 },
    ]);
  });
});

describe("who sees which costs", () => {
  it("a designer sees their own team's figures only", async () => {
    const report = await getCostReport({ ctx: dana, input: { from: dayStr(6), to: dayStr(0) } });
    expect(report.scope).toEqual({ kind: "team", teamId: brandId });
    expect(report.totals).toMatchObject({
      spendMicros: H.spring.spend,
      overheadMicros: 0,
      approved: 2,
      costPerUsableMicros: H.spring.cpu,
    });
    expect(report.options.campaigns.map((c) => c.value)).toEqual(["Spring"]);
    expect(report.options.teams.map((t) => t.label)).toEqual(["Brand"]);
    // A teammate's work is the team's.
    expect((await costQuery(dana, { userId: dev.actor.id })).scope.kind).toBe("team");
  });

  it("a designer asking for another team, or someone outside their team, is refused", async () => {
    await expect(getCostReport({ ctx: dana, input: { teamId: growthId } })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(getCostReport({ ctx: dana, input: { userId: gus.actor.id } })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(exportCostCsv({ ctx: gus, input: { table: "campaign", teamId: brandId } })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("a designer without a team sees their own work only", async () => {
    const report = await getCostReport({ ctx: nora, input: { from: dayStr(6), to: dayStr(0) } });
    expect(report.scope).toEqual({ kind: "own", userId: nora.actor.id });
    expect(report.totals).toMatchObject({ spendMicros: 10_000, approved: 0, costPerUsableMicros: null });
    await expect(getCostReport({ ctx: nora, input: { userId: dana.actor.id } })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("a designer allowed every team, finance and admins see everything", async () => {
    await db().update(users).set({ costsAllTeams: true }).where(eq(users.id, gus.actor.id));
    try {
      for (const ctx of [gus, finance, admin]) {
        const report = await getCostReport({ ctx, input: { from: dayStr(6), to: dayStr(0), teamId: brandId } });
        expect(report.scope).toEqual({ kind: "all" });
        expect(report.totals.spendMicros).toBe(H.spring.spend);
      }
    } finally {
      await db().update(users).set({ costsAllTeams: false }).where(eq(users.id, gus.actor.id));
    }
  });

  it("reviewers cannot see costs at all", async () => {
    await expect(getCostReport({ ctx: reviewer, input: {} })).rejects.toMatchObject({ code: "forbidden" });
    await expect(exportCostCsv({ ctx: reviewer, input: { table: "totals" } })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("finance reads costs but cannot make or judge work", () => {
  it("the guard refuses finance to queue, edit or review, and lets it see and export costs", async () => {
    const { id: sessionId } = await startSession({
      db: db(),
      input: { userId: finance.actor.id, method: "password", ip: null },
    });
    const claims = { userId: finance.actor.id, sessionVersion: 0, sessionId };
    for (const permission of ["generations.create", "assets.edit", "review.decide", "costs.operations"] as const) {
      await expect(resolveSession({ db: db(), claims, permission, ip: null })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
    for (const permission of ["costs.view", "costs.view_all"] as const) {
      expect((await resolveSession({ db: db(), claims, permission, ip: null })).actor.role).toBe("finance");
    }
    // And the review rules themselves refuse finance, whatever route calls them.
    const [pending] = await db().select().from(assets).where(eq(assets.generationId, g.g7.id));
    await expect(
      decideAsset({
        ctx: finance,
        input: { assetId: pending!.id, assetVersionId: pending!.currentVersionId!, decision: "approve" },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("CSV export", () => {
  it("escapes a campaign named like a formula, keeps exact money, and is audited with its filters", async () => {
    const { filename, csv } = await exportCostCsv({
      ctx: finance,
      input: { table: "campaign", from: dayStr(6), to: dayStr(0) },
    });
    expect(filename).toBe(`kiln-costs-campaign-${dayStr(6)}-to-${dayStr(0)}.csv`);
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      '"campaign","spend_usd","spend_micros","calls","approved","rejected","cost_per_usable_usd","cost_per_usable_micros","reject_rate","retry_rate"',
    );
    expect(lines).toContain('"Spring","0.865000",865000,7,2,2,"0.432500",432500,0.5,0.2');
    expect(lines).toContain(`"'=cmd()","0.030000",30000,3,1,0,"0.030000",30000,0,0.3333`);
    expect(csv).not.toMatch(/(^|\r\n|,)"=/);
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.action, "costs.exported"));
    expect(audit).toMatchObject({
      actorId: finance.actor.id,
      data: { table: "campaign", rows: 4, scope: "all", filters: { from: dayStr(6), to: dayStr(0) } },
    });
  });

  it("exports a designer's view within their scope, and refuses unknown tables and the operations tables to non-admins", async () => {
    const { csv } = await exportCostCsv({ ctx: dana, input: { table: "totals", from: dayStr(6), to: dayStr(0) } });
    expect(csv.trimEnd().split("\r\n")[1]).toBe(
      `"${dayStr(6)}","${dayStr(0)}","0.865000",865000,0,2,2,"0.432500",432500,0.5,0.2`,
    );
    await expect(exportCostCsv({ ctx: finance, input: { table: "passwords" } })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(exportCostCsv({ ctx: finance, input: { table: "ops-dead-letters" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    const ops = await exportCostCsv({
      ctx: admin,
      input: { table: "ops-dead-letters", from: dayStr(6), to: dayStr(0) },
    });
    expect(ops.csv).toContain('"provider_unavailable","The GPU endpoint did not answer."');
  });
});

describe("filters", () => {
  it("refuses dates that do not exist, reversed ranges and ranges over the limit, naming the field", () => {
    expect(() => parseCostFilters({ from: "2026-02-30" })).toThrow(
      expect.objectContaining({ code: "invalid_input", fields: { from: ["That date does not exist."] } }),
    );
    expect(() => parseCostFilters({ from: "2026-03-02", to: "2026-03-01" })).toThrow(
      expect.objectContaining({ fields: { from: ["The start date is after the end date."] } }),
    );
    expect(() => parseCostFilters({ from: "2024-01-01", to: "2026-01-01" })).toThrow(
      expect.objectContaining({ fields: { from: ["Pick at most 400 days."] } }),
    );
    expect(() => parseCostFilters({ teamId: "brand" })).toThrow(expect.objectContaining({ code: "invalid_input" }));
    expect(parseCostFilters({ campaign: "  ", tier: "" })).not.toHaveProperty("campaign");
  });
});

describe("operations (admins)", () => {
  it("throughput, blocks, latency percentiles, errors, queue depth and parked work, from the same history", async () => {
    // One queued batch and one refused for a banned term, through the real queueing code.
    await db().insert(bannedTerms).values({ term: "competitorco", category: "trademark" });
    const [template] = await db().select().from(templates).limit(1);
    const { version } = await getActiveTemplate(db(), template!.id);
    const values = initialValuesFor(version.definition);
    const presetId = (await listActivePresets(db())).find((p) => p.preset.tier === "draft")!.preset.id;
    const request = (key: string, extra: Record<string, string | number> = {}) => ({
      templateId: template!.id,
      presetId,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 2, values: { ...values, ...extra } }],
      idempotencyKey: key,
    });
    await queueBatch({ ctx: dana, input: request("ops-queued-0001") });
    const text = Object.keys(values).find(
      (k) => typeof values[k] === "string" && !["background", "angle", "lighting"].includes(k),
    )!;
    await expect(
      queueBatch({ ctx: dana, input: request("ops-blocked-0001", { [text]: "competitorco bottle" }) }),
    ).rejects.toMatchObject({
      code: "policy_blocked",
    });

    await expect(getOperationsReport({ ctx: finance, input: {} })).rejects.toMatchObject({ code: "forbidden" });
    const ops = await getOperationsReport({ ctx: admin, input: { from: dayStr(6), to: dayStr(0) } });
    expect(ops.perHour.reduce((s, h) => s + h.succeeded, 0)).toBe(6);
    expect(ops.perHour.reduce((s, h) => s + h.deadLettered, 0)).toBe(1);
    expect(ops.blocks).toEqual({ blockedPrompts: 1, blockedUploads: 0, queuedBatches: 1, rate: 0.5 });
    // providerMs 1,000 … 6,000: the median is 3,500, the 95th percentile 5,750 (linear interpolation).
    expect(ops.latency).toEqual([
      { providerId: expect.any(String), provider: "Kiln GPU simulator", generations: 6, p50Ms: 3500, p95Ms: 5750 },
    ]);
    expect(ops.errors).toEqual([
      { source: "provider call", code: "transient", count: 3 },
      { source: "dead-lettered", code: "provider_unavailable", count: 1 },
    ]);
    // g0 (its only call is 40 days old) and the new batch's generation are waiting.
    expect(ops.queue).toEqual([
      { provider: "Kiln GPU simulator", queued: 2, running: 0, oldestQueuedAt: expect.stringMatching(/Z$/) },
    ]);
    expect(ops.deadLetters).toEqual([
      expect.objectContaining({
        generationId: g.g6.id,
        campaign: "=cmd()",
        code: "provider_unavailable",
        message: "The GPU endpoint did not answer.",
      }),
    ]);
  });
});
