import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { costLedger, costLedgerDaily, providers, teams, users, type Batch, type Generation } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory } from "@/test/factories";
import { GROUP_DIMENSION_NAMES, type SpendSource } from "./base";
import { parseCostFilters, type CostFilters, type CostFiltersInput } from "./filters";
import { costGroups } from "./groups";
import type { CostScope } from "./scope";
import { costSeries } from "./series";
import { queryRows } from "./sql";
import { costHistory } from "./testing";
import { costTotals } from "./totals";

/**
 * The daily rollup of the ledger (migration 0017, decision 0026): kept exact by the insert trigger,
 * and the report's figures read from it are the figures read from every ledger row.
 */
const DAY = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z");
const dayStr = (n: number) => new Date(today.getTime() - n * DAY).toISOString().slice(0, 10);
/** n days before today's UTC midnight, plus ms (negative ms: the day before, just before midnight). */
const at = (n: number, ms = 10 * 3_600_000) => new Date(today.getTime() - n * DAY + ms);

let database: Database;
const db = () => database.db;
let brandId: string;
let danaId: string, gusId: string, noraId: string;
let providerId: string;
const gens: Generation[] = [];
const madeAssets: { assetId: string; gen: Generation }[] = [];
const batchList: Batch[] = [];

/** The rollup compared row by row with the ledger summed the same way: the rows that differ. */
async function mismatches() {
  return queryRows<Record<string, unknown>>(
    db(),
    sql`
    with expected as (
      select (l.created_at at time zone 'UTC')::date as day, l.batch_id,
             coalesce(l.preset_version_id, (select ea.preset_version_id from assets ea where ea.id = l.asset_id)) as preset_version_id,
             sum(l.micros)::bigint as micros, count(*)::bigint as calls,
             count(*) filter (where l.generation_id is not null and l.purpose <> 'edit')::bigint as generation_calls,
             count(*) filter (where l.generation_id is not null and l.purpose = 'retry')::bigint as retry_calls
      from cost_ledger l group by 1, 2, 3
    )
    select to_char(coalesce(e.day, d.day), 'YYYY-MM-DD') as day, coalesce(e.batch_id, d.batch_id) as batch_id,
           e.micros::text as expected_micros, d.micros::text as rollup_micros, e.calls::text as expected_calls, d.calls::text as rollup_calls
    from expected e
    full join cost_ledger_daily d
      on d.day = e.day and d.batch_id is not distinct from e.batch_id and d.preset_version_id is not distinct from e.preset_version_id
    where e.day is null or d.day is null or e.micros <> d.micros or e.calls <> d.calls
       or e.generation_calls <> d.generation_calls or e.retry_calls <> d.retry_calls`,
  );
}

function ledgerRow(
  gen: Generation | null,
  over: Partial<typeof costLedger.$inferInsert> & { micros: number; createdAt: Date },
) {
  return {
    callKey: `raw:${randomUUID()}`,
    generationId: gen?.id ?? null,
    providerId,
    presetVersionId: gen?.presetVersionId ?? null,
    userId: gen?.ownerId ?? danaId,
    operation: "generate",
    engine: "a1111",
    outcome: "succeeded",
    billable: over.micros > 0,
    purpose: "first_attempt" as const,
    batchId: gen?.batchId ?? null,
    lineageRootId: gen ? (gen.lineageRootId ?? gen.id) : null,
    ...over,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: db(), simulatorUrl: "http://127.0.0.1:9" });
  providerId = (await db().select().from(providers).limit(1))[0]!.id;
  const [brand] = await db().insert(teams).values({ name: "Brand" }).returning();
  const [growth] = await db().insert(teams).values({ name: "Growth" }).returning();
  brandId = brand!.id;
  const designer = async (name: string, teamId: string | null) => {
    const u = await createUserFactory(db(), { role: "designer", name });
    if (teamId) await db().update(users).set({ teamId }).where(eq(users.id, u.id));
    return u.id;
  };
  danaId = await designer("Dana Designer", brandId);
  gusId = await designer("Gus Growth", growth!.id);
  noraId = await designer("Nora Noteam", null);

  // Batches of every shape: campaigns, no campaign, three owners (two teams and none), three tiers.
  const h = costHistory(db());
  for (const [ownerId, campaign] of [
    [danaId, "Spring"],
    [danaId, "Summer"],
    [gusId, "Spring"],
    [noraId, null],
  ] as const) {
    const batch = await h.batch({ ownerId, campaign });
    batchList.push(batch);
    for (const tier of ["draft", "support", "hero"] as const) gens.push(await h.generation(batch, { tier }));
  }
  // The pipeline's own writes: calls, a failure and its retry, assets, a rejection, its re-roll, edits.
  for (const [i, gen] of gens.entries()) {
    if (i % 4 === 0) await h.call(gen, { micros: 7_000 + i, at: at(i % 9), failed: true });
    await h.call(gen, { micros: 20_000 + i * 13, at: at(i % 9, 11 * 3_600_000) });
    const made = await h.succeed(gen);
    madeAssets.push({ assetId: made.assetId, gen });
    const decided = await h.check(made.checkRunId, gen.tier, i % 3 === 1 ? { fail: "sharpness" } : {});
    if (decided.reroll) {
      const reroll = (await h.generationsOf(batchList[Math.floor(i / 3)]!)).find(
        (x) => x.id === decided.reroll!.generationId,
      )!;
      await h.call(reroll, { micros: 30_001, at: at(i % 9, 12 * 3_600_000) });
    }
    if (i % 2 === 0)
      await h.edit(made, gen, {
        micros: 1_500 + i,
        at: at(i % 5, 13 * 3_600_000),
        engine: i % 4 ? "esrgan-local" : "a1111",
      });
  }
  await h.overhead({ providerId, userId: danaId, micros: 5_000, at: at(3) });

  // Raw rows at the UTC day boundaries (the last micro-second of a day, midnight), far in the past,
  // zero-cost, and many keys in one multi-row statement (the trigger sums a statement's rows per key).
  const boundary: (typeof costLedger.$inferInsert)[] = [];
  for (const [i, gen] of gens.entries()) {
    boundary.push(ledgerRow(gen, { micros: 1_000_003 + i, createdAt: new Date(at(i % 7, 0).getTime() - 1) }));
    boundary.push(ledgerRow(gen, { micros: 999 + i, createdAt: at(i % 7, 0), purpose: "retry" }));
    boundary.push(ledgerRow(gen, { micros: 0, createdAt: at(31 + (i % 3)), outcome: "failed" }));
    boundary.push(ledgerRow(gen, { micros: 123_456_789, createdAt: at(370 + i) }));
  }
  for (let n = 0; n < 10; n++)
    boundary.push(ledgerRow(null, { micros: 10 + n, createdAt: at(n * 3, n * 1000), operation: "test" }));
  for (const [i, a] of madeAssets.entries())
    boundary.push(
      ledgerRow(null, {
        micros: 333 + i,
        createdAt: at(i % 4, 23 * 3_600_000 + 59 * 60_000),
        operation: "remove_background",
        purpose: "edit",
        presetVersionId: null,
        assetId: a.assetId,
        batchId: a.gen.batchId,
        lineageRootId: a.gen.id,
        userId: a.gen.ownerId,
      }),
    );
  await db().insert(costLedger).values(boundary);
}, 180_000);

afterAll(async () => {
  await database?.close();
});

describe("cost_ledger_daily", () => {
  it("reconciles to the micro-dollar with the ledger summed per day, batch and preset version", async () => {
    const [{ ledger_rows, rollup_rows, ledger_micros, rollup_micros }] = (await queryRows(
      db(),
      sql`select (select count(*) from cost_ledger)::int as ledger_rows, (select count(*) from cost_ledger_daily)::int as rollup_rows,
                 (select sum(micros) from cost_ledger)::text as ledger_micros, (select sum(micros) from cost_ledger_daily)::text as rollup_micros`,
    )) as [{ ledger_rows: number; rollup_rows: number; ledger_micros: string; rollup_micros: string }];
    expect(ledger_rows).toBeGreaterThan(90);
    expect(rollup_rows).toBeGreaterThan(30);
    expect(rollup_micros).toBe(ledger_micros);
    expect(await mismatches()).toEqual([]);
  });

  it("adds each new ledger row to its day's row at once (the trigger)", async () => {
    const gen = gens[4]!;
    const key = { day: dayStr(2), batch: gen.batchId!, pv: gen.presetVersionId };
    const read = async () =>
      (
        await db()
          .select()
          .from(costLedgerDaily)
          .where(
            sql`${costLedgerDaily.day} = ${key.day}::date and ${costLedgerDaily.batchId} = ${key.batch}::uuid and ${costLedgerDaily.presetVersionId} = ${key.pv}::uuid`,
          )
      )[0];
    const before = await read();
    await db()
      .insert(costLedger)
      .values(ledgerRow(gen, { micros: 4_321, createdAt: at(2, 5 * 3_600_000), purpose: "retry" }));
    const after = await read();
    expect(after!.micros - (before?.micros ?? 0)).toBe(4_321);
    expect(after!.calls - (before?.calls ?? 0)).toBe(1);
    expect(after!.retryCalls - (before?.retryCalls ?? 0)).toBe(1);
    expect(after!.generationCalls - (before?.generationCalls ?? 0)).toBe(1);
    expect(await mismatches()).toEqual([]);
  });

  it("stays exact under concurrent inserts (one key and many)", async () => {
    // On PostgreSQL these run on the pool's separate connections; PGlite serialises them.
    await Promise.all(
      Array.from({ length: 60 }, async (_, n) => {
        const gen = gens[n % 3]!;
        await db()
          .insert(costLedger)
          .values(
            ledgerRow(n % 2 ? gen : null, { micros: 1_000 + n, createdAt: at(n % 2 ? 0 : n % 4, 9 * 3_600_000) }),
          );
      }),
    );
    await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        database.transaction(async (query) => {
          for (let k = 0; k < 5; k++) {
            const gen = gens[(n + k) % gens.length]!;
            await query(
              `insert into cost_ledger (call_key, generation_id, provider_id, preset_version_id, user_id, operation, outcome, billable, micros, purpose, batch_id, lineage_root_id, created_at)
               values ($1, $2, $3, $4, $5, 'generate', 'succeeded', true, $6, 'first_attempt', $7, $8, $9)`,
              [
                `tx:${randomUUID()}`,
                gen.id,
                providerId,
                gen.presetVersionId,
                gen.ownerId,
                77 + k,
                gen.batchId,
                gen.id,
                at(k % 2).toISOString(),
              ],
            );
          }
        }),
      ),
    );
    expect(await mismatches()).toEqual([]);
  });

  it("the ledger stays append-only, so inserts are the rollup's only change", async () => {
    await expect(db().execute(sql`update cost_ledger set micros = micros + 1`)).rejects.toThrow();
    await expect(db().execute(sql`delete from cost_ledger`)).rejects.toThrow();
  });
});

describe("the report's figures from the rollup", () => {
  const inputs = (): CostFiltersInput[] => [
    {},
    { from: dayStr(6), to: dayStr(0) },
    { from: dayStr(3), to: dayStr(3) },
    { from: dayStr(1), to: dayStr(0) },
    { from: dayStr(399), to: dayStr(0) },
    { from: dayStr(35), to: dayStr(29) },
    { campaign: "Spring" },
    { campaign: "Nothing" },
    { tier: "hero" },
    { teamId: brandId },
    { userId: noraId },
    { from: dayStr(399), to: dayStr(0), tier: "support", campaign: "Spring" },
  ];
  const scopes = (): CostScope[] => [
    { kind: "all" },
    { kind: "team", teamId: brandId },
    { kind: "own", userId: gusId },
  ];
  const both = async <T>(run: (source: SpendSource) => Promise<T>) => ({
    rollup: await run("rollup"),
    ledger: await run("ledger"),
  });

  it("are identical to the direct ledger queries: totals, daily series and every grouping", async () => {
    let compared = 0;
    for (const input of inputs()) {
      const f: CostFilters = parseCostFilters(input);
      for (const scope of scopes()) {
        const totals = await both((source) => costTotals(db(), f, scope, { source }));
        expect(totals.rollup, JSON.stringify({ input, scope })).toEqual(totals.ledger);
        const series = await both((source) => costSeries(db(), f, scope, { source }));
        expect(series.rollup, JSON.stringify({ input, scope })).toEqual(series.ledger);
        for (const dimension of GROUP_DIMENSION_NAMES) {
          const groups = await both((source) => costGroups(db(), f, scope, dimension, { source }));
          expect(groups.rollup, JSON.stringify({ input, scope, dimension })).toEqual(groups.ledger);
        }
        if (totals.ledger.spendMicros > 0) compared++;
      }
    }
    // The comparison is not vacuous: most filter × scope pairs select spend.
    expect(compared).toBeGreaterThan(15);
    const all = await costTotals(db(), parseCostFilters({ from: dayStr(399), to: dayStr(0) }), { kind: "all" });
    expect(all.overheadMicros).toBeGreaterThan(0);
    expect(all.retryCalls).toBeGreaterThan(0);
  });

  it("the default is the rollup: a rollup row the ledger does not have shows in the figures", async () => {
    // Proves the default path reads cost_ledger_daily (the comparison above would pass if both read the ledger).
    const f = parseCostFilters({});
    const before = await costTotals(db(), f, { kind: "all" });
    await db()
      .transaction(async (tx) => {
        await tx.execute(sql`insert into cost_ledger_daily (day, batch_id, preset_version_id, micros, calls) values (${dayStr(0)}::date, null, null, 1, 1)
        on conflict on constraint cost_ledger_daily_key do update set micros = cost_ledger_daily.micros + 1, calls = cost_ledger_daily.calls + 1`);
        const after = await costTotals(tx, f, { kind: "all" });
        expect(after.spendMicros).toBe(before.spendMicros + 1);
        expect(after.overheadMicros).toBe(before.overheadMicros + 1);
        expect((await costTotals(tx, f, { kind: "all" }, { source: "ledger" })).spendMicros).toBe(before.spendMicros);
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error && /rollback/i.test(error.message))) throw error;
      });
    expect(await mismatches()).toEqual([]);
  });
});

// Last: it empties the rollup and rebuilds it, which would hide a missing trigger from the tests above.
describe("the rebuild", () => {
  it("is rebuilt from the ledger by kiln_cost_ledger_daily_rebuild (the migration's backfill)", async () => {
    const before = await db().select().from(costLedgerDaily);
    await db().execute(sql`delete from cost_ledger_daily`);
    expect((await mismatches()).length).toBeGreaterThan(0);
    await db().execute(sql`select kiln_cost_ledger_daily_rebuild()`);
    expect(await mismatches()).toEqual([]);
    const sortKey = (r: (typeof before)[number]) => `${r.day}|${r.batchId}|${r.presetVersionId}`;
    const sorted = (rows: typeof before) => [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(sorted(await db().select().from(costLedgerDaily))).toEqual(sorted(before));
  });
});
