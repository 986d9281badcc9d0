import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, reviewDecisions, teams, users, type Batch } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { addAssetVersion } from "@/lib/assets/add-version";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { bulkApprove, decideAsset } from "@/lib/review/decide";
import { undoDecision } from "@/lib/review/undo";
import { createUserFactory, ctxFor } from "@/test/factories";
import { GROUP_DIMENSION_NAMES, type SpendSource } from "./base";
import { parseCostFilters, type CostFiltersInput } from "./filters";
import { costGroups } from "./groups";
import type { CostScope } from "./scope";
import { costSeries } from "./series";
import { queryRows } from "./sql";
import { costHistory } from "./testing";
import { costTotals } from "./totals";

/**
 * The daily rollup of review decisions (migration 0018, decision 0026): kept exact by the statement
 * triggers on assets through every way a decision date moves — reviewer decisions, undo, a new version
 * clearing them, re-decisions, bulk approval, one statement deciding many assets over many days,
 * concurrent statements — and the report's approved/rejected figures read from it are the figures
 * read from every asset.
 */
const DAY = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z");
const dayStr = (n: number) => new Date(today.getTime() - n * DAY).toISOString().slice(0, 10);

let database: Database;
const db = () => database.db;
let brandId: string;
let danaId: string, gusId: string;
let reviewer: ReturnType<typeof ctxFor>;
let reviewer2: ReturnType<typeof ctxFor>;
/** Assets made and checked by the pipeline's code, several per batch × preset version (shared rollup keys). */
const made: { assetId: string; batch: Batch; tier: string }[] = [];

/** The rollup compared key by key with the generated assets counted the same way: the keys that differ. */
async function mismatches() {
  return queryRows<Record<string, unknown>>(
    db(),
    sql`
    with decided as (
      select (approved_at at time zone 'UTC')::date as day, batch_id, preset_version_id, 1 as approved, 0 as rejected
      from assets where source = 'generated' and approved_at is not null
      union all
      select (rejected_at at time zone 'UTC')::date, batch_id, preset_version_id, 0, 1
      from assets where source = 'generated' and rejected_at is not null
    ), expected as (
      select day, batch_id, preset_version_id, sum(approved)::bigint as approved, sum(rejected)::bigint as rejected from decided group by 1, 2, 3
    ), rollup as (
      select * from asset_decisions_daily where approved <> 0 or rejected <> 0
    )
    select to_char(coalesce(e.day, r.day), 'YYYY-MM-DD') as day, coalesce(e.batch_id, r.batch_id) as batch_id,
           e.approved::text as expected_approved, r.approved::text as rollup_approved, e.rejected::text as expected_rejected, r.rejected::text as rollup_rejected
    from expected e
    full join rollup r
      on r.day = e.day and r.batch_id is not distinct from e.batch_id and r.preset_version_id is not distinct from e.preset_version_id
    where e.day is null or r.day is null or e.approved <> r.approved or e.rejected <> r.rejected`,
  );
}

const inputs = (): CostFiltersInput[] => [
  {},
  { from: dayStr(0), to: dayStr(0) },
  { from: dayStr(9), to: dayStr(2) },
  { from: dayStr(399), to: dayStr(0) },
  { campaign: "Spring" },
  { tier: "hero" },
  { teamId: brandId },
  { from: dayStr(399), to: dayStr(0), tier: "support", campaign: "Spring" },
];
const scopes = (): CostScope[] => [{ kind: "all" }, { kind: "team", teamId: brandId }, { kind: "own", userId: gusId }];
const both = async <T>(run: (source: SpendSource) => Promise<T>) => ({
  rollup: await run("rollup"),
  ledger: await run("ledger"),
});

/** Totals, series and every grouping from the rollups equal the direct queries; returns how many decisions they saw. */
async function expectReportAgrees(label: string) {
  let decisions = 0;
  for (const input of inputs()) {
    const f = parseCostFilters(input);
    for (const scope of scopes()) {
      const at = JSON.stringify({ label, input, scope });
      const totals = await both((source) => costTotals(db(), f, scope, { source }));
      expect(totals.rollup, at).toEqual(totals.ledger);
      const series = await both((source) => costSeries(db(), f, scope, { source }));
      expect(series.rollup, at).toEqual(series.ledger);
      for (const dimension of GROUP_DIMENSION_NAMES) {
        const groups = await both((source) => costGroups(db(), f, scope, dimension, { source }));
        expect(groups.rollup, `${at} ${dimension}`).toEqual(groups.ledger);
      }
      decisions += totals.ledger.approved + totals.ledger.rejected;
    }
  }
  return decisions;
}

async function currentVersion(assetId: string) {
  const [a] = await db().select({ v: assets.currentVersionId }).from(assets).where(eq(assets.id, assetId));
  return a!.v!;
}
async function inReview() {
  return db()
    .select({ id: assets.id })
    .from(assets)
    .where(and(eq(assets.status, "in_review"), eq(assets.source, "generated")));
}
/** A new version of the asset, as the editor makes it (clears both decision dates), then back in review as the checks would put it. */
async function newVersionBackInReview(assetId: string) {
  const current = await currentVersion(assetId);
  await db().transaction((tx) =>
    addAssetVersion(tx, {
      assetId,
      operation: "crop",
      blobKey: `fixtures/${assetId}-${Date.now()}.png`,
      width: 1024,
      height: 1024,
      createdBy: danaId,
    }),
  );
  expect(await currentVersion(assetId)).not.toBe(current);
  await db().update(assets).set({ status: "in_review", enteredReviewAt: new Date() }).where(eq(assets.id, assetId));
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: db(), simulatorUrl: "http://127.0.0.1:9" });
  const [brand] = await db().insert(teams).values({ name: "Brand" }).returning();
  brandId = brand!.id;
  const dana = await createUserFactory(db(), { role: "designer", name: "Dana Designer" });
  await db().update(users).set({ teamId: brandId }).where(eq(users.id, dana.id));
  danaId = dana.id;
  gusId = (await createUserFactory(db(), { role: "designer", name: "Gus Growth" })).id;
  reviewer = ctxFor(db(), await createUserFactory(db(), { role: "reviewer", name: "Rita Reviewer" }));
  reviewer2 = ctxFor(db(), await createUserFactory(db(), { role: "reviewer", name: "Rob Reviewer" }));

  // Batches × tiers with four assets each, decided by the checks: draft approves itself, support
  // and hero wait for review, a failed check rejects (and asks for a re-roll the test does not run).
  const h = costHistory(db());
  for (const [ownerId, campaign] of [
    [danaId, "Spring"],
    [gusId, "Spring"],
    [gusId, null],
  ] as const) {
    const batch = await h.batch({ ownerId, campaign });
    for (const tier of ["draft", "support", "hero"] as const)
      for (let n = 0; n < 4; n++) {
        const gen = await h.generation(batch, { tier });
        const asset = await h.succeed(gen);
        await h.check(asset.checkRunId, tier, n === 3 ? { fail: "sharpness" } : {});
        made.push({ assetId: asset.assetId, batch, tier });
      }
  }
}, 180_000);

afterAll(async () => {
  await database?.close();
});

describe("asset_decisions_daily", () => {
  it("counts the checks' automatic approvals and rejections as they happen", async () => {
    const [row] = await queryRows<{ approved: number; rejected: number }>(
      db(),
      sql`select coalesce(sum(approved), 0)::int as approved, coalesce(sum(rejected), 0)::int as rejected from asset_decisions_daily`,
    );
    expect(row!.approved).toBeGreaterThan(0);
    expect(row!.rejected).toBeGreaterThan(0);
    expect(await mismatches()).toEqual([]);
    expect(await expectReportAgrees("after the checks")).toBeGreaterThan(0);
  });

  it("follows reviewer decisions and undo: approve, reject, request changes, undone", async () => {
    const waiting = await inReview();
    expect(waiting.length).toBeGreaterThanOrEqual(8);
    const [a, b, c, d] = waiting;
    await decideAsset({
      ctx: reviewer,
      input: { assetId: a!.id, assetVersionId: await currentVersion(a!.id), decision: "approve" },
    });
    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: b!.id,
        assetVersionId: await currentVersion(b!.id),
        decision: "reject",
        reasonCode: "off_brief",
      },
    });
    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: c!.id,
        assetVersionId: await currentVersion(c!.id),
        decision: "request_changes",
        comment: "Warmer light, please.",
      },
    });
    const undone = await decideAsset({
      ctx: reviewer,
      input: {
        assetId: d!.id,
        assetVersionId: await currentVersion(d!.id),
        decision: "reject",
        reasonCode: "off_brief",
      },
    });
    expect(await mismatches()).toEqual([]);
    await undoDecision({ ctx: reviewer, input: { decisionId: undone.decision.id } });
    const [back] = await db().select().from(assets).where(eq(assets.id, d!.id));
    expect(back!.rejectedAt).toBeNull();
    expect(await mismatches()).toEqual([]);
    await expectReportAgrees("after decisions and undo");
  });

  it("follows re-decisions: approved → new version → changes requested → new version → approved, and rejected → approved", async () => {
    const [x, y] = await inReview();
    const approve = async (id: string, ctx = reviewer) =>
      decideAsset({ ctx, input: { assetId: id, assetVersionId: await currentVersion(id), decision: "approve" } });
    await approve(x!.id);
    await newVersionBackInReview(x!.id);
    let [row] = await db().select().from(assets).where(eq(assets.id, x!.id));
    expect(row!.approvedAt).toBeNull();
    expect(await mismatches()).toEqual([]);
    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: x!.id,
        assetVersionId: await currentVersion(x!.id),
        decision: "request_changes",
        comment: "Crop tighter.",
      },
    });
    await newVersionBackInReview(x!.id);
    await approve(x!.id);
    [row] = await db().select().from(assets).where(eq(assets.id, x!.id));
    expect(row!.status === "approved" || row!.status === "in_review").toBe(true);
    expect(await mismatches()).toEqual([]);

    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: y!.id,
        assetVersionId: await currentVersion(y!.id),
        decision: "reject",
        reasonCode: "off_brief",
      },
    });
    await newVersionBackInReview(y!.id);
    await approve(y!.id);
    expect(await mismatches()).toEqual([]);
    await expectReportAgrees("after re-decisions");
  });

  it("follows bulk approval, and one statement deciding many assets over many days and keys", async () => {
    const waiting = await inReview();
    const picked = waiting.slice(0, 3);
    const items = await Promise.all(
      picked.map(async (w) => ({ assetId: w.id, assetVersionId: await currentVersion(w.id) })),
    );
    const out = await bulkApprove({ ctx: reviewer2, input: { items } });
    expect(out.approved.length + out.partial.length).toBe(3);
    expect(await mismatches()).toEqual([]);

    // Many rows, many keys, decision dates moved between days, both dates set, both cleared: one statement.
    const ids = made.map((m) => m.assetId);
    await db().execute(sql`
      update assets a set
        approved_at = case when s.n % 3 = 0 then null else ${today.toISOString()}::timestamptz - (s.n % 11) * interval '1 day' - interval '1 microsecond' end,
        rejected_at = case when s.n % 4 = 0 then ${today.toISOString()}::timestamptz - (s.n % 5) * interval '1 day' end
      from (select id, row_number() over (order by id) as n from assets where id = any(${sql.raw(`'{${ids.join(",")}}'::uuid[]`)})) s
      where a.id = s.id`);
    expect(await mismatches()).toEqual([]);
    // An update that moves no decision date changes nothing in the rollup.
    const rollupRows = () =>
      queryRows(db(), sql`select * from asset_decisions_daily order by day, batch_id, preset_version_id`);
    const before = await rollupRows();
    await db().execute(sql`update assets set updated_at = now() where source = 'generated'`);
    expect(await rollupRows()).toEqual(before);
    expect(await expectReportAgrees("after one bulk statement")).toBeGreaterThan(0);
  });

  it("follows assets inserted already decided and deleted, several in one statement", async () => {
    const h = costHistory(db());
    const batch = made[0]!.batch;
    const g1 = await h.generation(batch, { tier: "support" });
    const g2 = await h.generation(batch, { tier: "support" });
    const inserted = await db()
      .insert(assets)
      .values(
        [g1, g2].map((g, i) => ({
          generationId: g.id,
          batchId: batch.id,
          ownerId: batch.ownerId,
          tier: g.tier,
          presetVersionId: g.presetVersionId,
          status: "approved" as const,
          approvedAt: new Date(today.getTime() - (i + 1) * DAY),
          rejectedAt: i ? new Date(today.getTime() - 3 * DAY) : null,
        })),
      )
      .returning({ id: assets.id });
    expect(await mismatches()).toEqual([]);
    await db().execute(sql`delete from assets where id in (${inserted[0]!.id}::uuid, ${inserted[1]!.id}::uuid)`);
    expect(await mismatches()).toEqual([]);
  });

  it("stays exact under concurrent bulk statements on the same keys", async () => {
    // On PostgreSQL these run on the pool's separate connections; PGlite serialises them. Each
    // transaction decides its own assets (as each review transaction locks its own) in one statement
    // whose rows fall on the same rollup keys as the others'.
    const ids = made.map((m) => m.assetId);
    const slices = Array.from({ length: 6 }, (_, k) => ids.filter((_, i) => i % 6 === k));
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        slices.map((slice, k) =>
          database.transaction(async (query) => {
            await query(
              `update assets set approved_at = case when $2::int % 2 = 0 then $3::timestamptz end, rejected_at = case when $2::int % 2 = 1 then $3::timestamptz end
               where id = any($1::uuid[])`,
              [
                k % 2 ? [...slice].reverse() : slice,
                round + k,
                new Date(today.getTime() - ((round + k) % 3) * DAY + 3_600_000).toISOString(),
              ],
            );
          }),
        ),
      );
      expect(await mismatches()).toEqual([]);
    }
    await expectReportAgrees("after concurrent statements");
  });

  it("the default is the rollup: a rollup row the assets do not have shows in the figures", async () => {
    const f = parseCostFilters({});
    const before = await costTotals(db(), f, { kind: "all" });
    const key = made[0]!;
    await db()
      .transaction(async (tx) => {
        await tx.execute(sql`insert into asset_decisions_daily (day, batch_id, preset_version_id, approved, rejected)
          select ${dayStr(0)}::date, a.batch_id, a.preset_version_id, 1, 0 from assets a where a.id = ${key.assetId}::uuid
          on conflict on constraint asset_decisions_daily_key do update set approved = asset_decisions_daily.approved + 1`);
        expect((await costTotals(tx, f, { kind: "all" })).approved).toBe(before.approved + 1);
        expect((await costTotals(tx, f, { kind: "all" }, { source: "ledger" })).approved).toBe(before.approved);
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error && /rollback/i.test(error.message))) throw error;
      });
    expect(await mismatches()).toEqual([]);
  });
});

// Last: it empties the rollup and rebuilds it, which would hide a missing trigger from the tests above.
describe("the decisions rebuild", () => {
  it("is rebuilt from the assets by kiln_asset_decisions_daily_rebuild (the migration's backfill)", async () => {
    const decided = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(reviewDecisions);
    expect(decided[0]!.n).toBeGreaterThan(5);
    expect((await db().select().from(assetVersions)).length).toBeGreaterThan(made.length);
    await db().execute(sql`delete from asset_decisions_daily`);
    expect((await mismatches()).length).toBeGreaterThan(0);
    await db().execute(sql`select kiln_asset_decisions_daily_rebuild()`);
    expect(await mismatches()).toEqual([]);
    await expectReportAgrees("after the rebuild");
  });
});
