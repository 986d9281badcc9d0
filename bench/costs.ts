/**
 * bench:costs — how fast the Costs and Operations pages' queries are on a year of work.
 *
 * Loads 1,000,000 cost-ledger rows with matching batches, generations (roots, retries, re-rolls),
 * assets (approved, rejected, in review), edits, reviewer decisions and overhead rows, spread over
 * 365 days, with set-based INSERT … SELECT generate_series (no row-by-row inserts). Then runs the
 * dashboard's real query functions (lib/costs/report) many times in three views — totals, series and
 * groups read the ledger's daily rollup (cost_ledger_daily, decision 0026), as the page does:
 *
 *   default   finance opening /costs: the last 30 days, no filter (the page as it opens)
 *   team      a designer's team scope, last 30 days
 *   year      finance, a 365-day range: headline and daily series only
 *   year-ledger  the same two read from every ledger row and every decided asset (the path before the
 *                rollups), for comparison
 *
 * and prints p50/p95 per query and the ratio of the default view's worst p95 to one
 * `select count(*) from cost_ledger` on the same database (the floor: touching every row once).
 * Uses DATABASE_URL when set (a throw-away database on that server), else in-memory PGlite.
 *
 * Usage: tsx bench/costs.ts [--rows 1000000] [--iterations 10] [--explain default|team|year]  (plans, then exits)
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sql, type SQL } from "drizzle-orm";

const { values: args } = parseArgs({
  options: { rows: { type: "string" }, iterations: { type: "string" }, explain: { type: "string" } },
  strict: true,
});
const TOTAL = Number(args.rows ?? 1_000_000);
const ITERATIONS = Number(args.iterations ?? 10);

const { createTestDatabase } = await import("../db/testing");
const { env } = await import("../lib/env");
const { seedCatalog } = await import("../lib/catalog/seed-catalog");
const { createUserFactory } = await import("../test/factories");
const schema = await import("../db/schema");
const { eq } = await import("drizzle-orm");
const { parseCostFilters } = await import("../lib/costs/report/filters");
const { costTotals } = await import("../lib/costs/report/totals");
const { costSeries } = await import("../lib/costs/report/series");
const { costGroups } = await import("../lib/costs/report/groups");
const { costBreakdown } = await import("../lib/costs/report/breakdown");
const { topRejectReasons } = await import("../lib/costs/report/reasons");
const { costFilterOptions } = await import("../lib/costs/report/options");
const ops = await import("../lib/costs/report/operations");
const { GROUP_DIMENSION_NAMES } = await import("../lib/costs/report/base");
type Db = import("../db").Db;
type CostScope = import("../lib/costs/report/scope").CostScope;
type CostFilters = import("../lib/costs/report/filters").CostFilters;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((xs.length * p) / 100) - 1)] ?? NaN;
const fmt = (ms: number) => ms.toFixed(1);

/**
 * The shape of the year (R root generations; the rest follows from R):
 *   every 10th root's first call fails (billed) and is retried · every 100th's last fails for good
 *   (dead-lettered, no image) · 15 in 100 are rejected (blur / nsfw / trademark by a reviewer) and
 *   re-rolled once · every 20th asset is edited once (local engine) · the remainder are overhead.
 */
function shape(total: number) {
  const roots = Math.floor(total / 1.3 / 100) * 100;
  const ledger = roots + roots / 10 + (roots * 15) / 100 + roots / 20;
  return { roots, batches: Math.max(10, Math.round(roots / 50)), overhead: total - ledger };
}

async function load(db: Db) {
  const { roots: R, batches: NB, overhead } = shape(TOTAL);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const teams = await db
    .insert(schema.teams)
    .values(["Brand", "Growth", "Retail", "Social"].map((name) => ({ name })))
    .returning();
  const owners: string[] = [];
  for (let i = 0; i < 20; i++) {
    const u = await createUserFactory(db, { role: "designer", name: `Designer ${i + 1}` });
    await db
      .update(schema.users)
      .set({ teamId: teams[i % teams.length]!.id })
      .where(eq(schema.users.id, u.id));
    owners.push(u.id);
  }
  const reviewer = await createUserFactory(db, { role: "reviewer", name: "Bench Reviewer" });
  const presets = await db
    .select({
      tier: schema.presets.tier,
      versionId: schema.presetVersions.id,
      providerId: schema.presetVersions.providerId,
    })
    .from(schema.presets)
    .innerJoin(schema.presetVersions, eq(schema.presetVersions.id, schema.presets.activeVersionId));
  const byTier = (t: string) => presets.find((p) => p.tier === t)!;
  const [template] = await db.select().from(schema.templates).limit(1);
  const uuidArray = (ids: string[]) => sql.raw(`'{${ids.join(",")}}'::uuid[]`);
  const pvs = uuidArray(["draft", "support", "hero"].map((t) => byTier(t).versionId));
  const provider = byTier("draft").providerId;
  const tv = template!.activeVersionId!;

  const steps: [string, SQL][] = [
    // Bulk load: foreign keys are not checked row by row (the rows are consistent by construction),
    // and the big tables' secondary indexes are built once after the load rather than row by row.
    ["replica mode", sql`set local session_replication_role = replica`],
    [
      "drop secondary indexes",
      sql.raw(`do $$ declare r record; begin
        create temp table bench_indexes on commit drop as select indexname, indexdef from pg_indexes
          where schemaname = 'public' and tablename in ('cost_ledger', 'generations', 'assets') and indexname not like '%_pkey';
        for r in select indexname from bench_indexes loop execute 'drop index ' || quote_ident(r.indexname); end loop; end $$`),
    ],
    [
      "batches",
      sql`insert into batches (id, owner_id, idempotency_key, name, campaign, template_version_id, source, status, total, estimate_micros, estimate_seconds, settings, created_at)
        select md5('b' || k)::uuid, (${uuidArray(owners)})[1 + k % 20], 'bench-' || k, 'Bench batch ' || k,
               case when k % 7 = 0 then null else 'Campaign ' || (k % 40) end, ${tv}::uuid, 'form', 'completed', 50, 0, 0,
               '{"variantsPerRow":1,"aspectRatios":[]}'::jsonb, now() - (k * interval '365 days' / ${NB}::int)
        from generate_series(1, ${NB}::int) k`,
    ],
    [
      "root generations",
      sql`insert into generations (id, batch_id, owner_id, row_line, variant_index, tier, preset_version_id, template_version_id, values, prompt, negative_prompt, seed, width, height, status, attempts, error_code, error_message, blob_key, metadata, provider_ms, created_at, started_at, finished_at)
        select md5('g' || i)::uuid, md5('b' || k)::uuid, (${uuidArray(owners)})[1 + k % 20], i, 0,
               (array['draft','support','hero'])[1 + k % 3]::tier, (${pvs})[1 + k % 3], ${tv}::uuid, '{}'::jsonb, 'bench prompt', '', i % 100000, 512, 512,
               (case when i % 100 = 99 then 'dead_lettered' else 'succeeded' end)::generation_status,
               case when i % 10 = 0 then 2 else 1 end,
               case when i % 100 = 99 then (array['provider_unavailable','timeout','content_filtered'])[1 + i % 3] end,
               case when i % 100 = 99 then 'bench: the GPU endpoint gave up' end,
               case when i % 100 <> 99 then 'bench/' || i || '.png' end,
               case when i % 100 <> 99 then jsonb_build_object('provider', jsonb_build_object('id', ${provider}::text, 'kind', 'a1111', 'name', 'Kiln GPU simulator'),
                    'model', 'bench', 'timings', jsonb_build_object('queuedMs', 100, 'providerMs', 800 + (i * 37) % 4000)) end,
               case when i % 100 <> 99 then 800 + (i * 37) % 4000 end,
               t, t, t + interval '40 seconds'
        from (select i, 1 + i % ${NB}::int as k, now() - ((1 + i % ${NB}::int) * interval '365 days' / ${NB}::int) + (i % 60) * interval '1 second' as t
              from generate_series(1, ${R}::int) i) s
        order by t`,
    ],
    [
      "re-roll generations",
      sql`insert into generations (id, batch_id, owner_id, row_line, variant_index, tier, preset_version_id, template_version_id, values, prompt, negative_prompt, seed, width, height, status, attempts, reroll_of, reroll_depth, lineage_root_id, blob_key, metadata, provider_ms, created_at, started_at, finished_at)
        select md5('r' || g.row_line)::uuid, g.batch_id, g.owner_id, g.row_line, 0, g.tier, g.preset_version_id, g.template_version_id, '{}'::jsonb, g.prompt, '', g.seed + 1, 512, 512,
               'succeeded', 1, g.id, 1, g.id, 'bench/r' || g.row_line || '.png', g.metadata, g.provider_ms, g.created_at + interval '5 minutes', g.created_at + interval '5 minutes', g.created_at + interval '6 minutes'
        from generations g where g.reroll_of is null and g.row_line % 100 < 15 order by g.created_at`,
    ],
    [
      "assets",
      sql`insert into assets (id, generation_id, batch_id, owner_id, tier, preset_version_id, status, status_reason, approved_at, rejected_at, created_at, updated_at)
        select md5('a' || g.id::text)::uuid, g.id, g.batch_id, g.owner_id, g.tier, g.preset_version_id,
               (case when g.reroll_of is not null then 'approved' when g.row_line % 100 < 15 then 'rejected' when g.row_line % 100 < 20 then 'in_review'
                     when g.row_line % 100 = 20 then 'changes_requested' else 'approved' end)::asset_status,
               case when g.reroll_of is null and g.row_line % 100 < 15 then (array['blur','nsfw','trademark_logo'])[1 + g.row_line % 3] end,
               case when g.reroll_of is not null or g.row_line % 100 > 20 then g.finished_at + interval '1 hour' end,
               case when g.reroll_of is null and g.row_line % 100 < 15 then g.finished_at + interval '2 minutes' end,
               g.finished_at, g.finished_at
        from generations g where g.status = 'succeeded' order by g.finished_at`,
    ],
    [
      "reviewer decisions (trademark rejections)",
      sql`with v as (
            insert into asset_versions (id, asset_id, number, operation, blob_key, width, height, created_at)
            select md5('v' || a.id::text)::uuid, a.id, 1, 'generate', 'bench/v.png', 512, 512, a.created_at from assets a where a.status_reason = 'trademark_logo'
            returning id, asset_id, created_at)
          insert into review_decisions (asset_id, asset_version_id, reviewer_id, decision, reason_code, created_at)
          select v.asset_id, v.id, ${reviewer.id}::uuid, 'reject', 'trademark_logo', v.created_at + interval '2 minutes' from v`,
    ],
    [
      "current versions",
      sql`update assets a set current_version_id = md5('v' || a.id::text)::uuid where a.status_reason = 'trademark_logo'`,
    ],
    [
      // One statement in time order: the ledger is appended as calls happen, so its rows lie in created_at order.
      "ledger: calls, retries, re-rolls, edits",
      sql`insert into cost_ledger (call_key, generation_id, provider_id, preset_version_id, user_id, operation, outcome, billable, micros, error_kind, purpose, batch_id, lineage_root_id, asset_id, edit_id, engine, created_at)
        select * from (
          select g.id || ':generate:1', g.id, ${provider}::uuid, g.preset_version_id, g.owner_id, 'generate',
                 case when (g.reroll_of is null and g.row_line % 10 = 0) or g.status = 'dead_lettered' then 'failed' else 'succeeded' end, true,
                 (case g.tier when 'draft' then 2000 when 'support' then 20000 else 120000 end) + (g.row_line % 7) * 100,
                 case when (g.reroll_of is null and g.row_line % 10 = 0) or g.status = 'dead_lettered' then 'transient' end,
                 (case when g.reroll_of is null then 'first_attempt' else 'reroll' end)::ledger_purpose, g.batch_id, coalesce(g.lineage_root_id, g.id), null::uuid, null::uuid, 'a1111', g.created_at + interval '20 seconds' as at
          from generations g where g.status <> 'queued'
          union all
          select g.id || ':generate:2', g.id, ${provider}::uuid, g.preset_version_id, g.owner_id, 'generate', 'succeeded', true,
                 (case g.tier when 'draft' then 2000 when 'support' then 20000 else 120000 end), null, 'retry', g.batch_id, g.id, null, null, 'a1111', g.created_at + interval '35 seconds'
          from generations g where g.reroll_of is null and g.row_line % 10 = 0
          union all
          select 'edit:' || a.id, null, null, null, a.owner_id, 'upscale', 'succeeded', true, 500, null, 'edit', a.batch_id, a.generation_id, a.id, md5('e' || a.id::text)::uuid, 'esrgan-local', a.created_at + interval '20 minutes'
          from assets a join generations g on g.id = a.generation_id where g.reroll_of is null and g.row_line % 20 = 0
        ) calls order by at`,
    ],
    [
      "ledger: overhead",
      sql`insert into cost_ledger (call_key, provider_id, user_id, operation, outcome, billable, micros, created_at)
        select 'test:' || n, ${provider}::uuid, ${owners[0]!}::uuid, 'test', 'succeeded', true, 1000, now() - (n * interval '365 days' / ${Math.max(1, overhead)}::int)
        from generate_series(1, ${Math.max(0, overhead)}::int) n`,
    ],
    [
      "audit (queued and blocked)",
      sql`insert into audit_events (occurred_at, action, data, prev_hash, hash)
        select now() - (n * interval '365 days' / 20000), case when n % 25 = 0 then 'generation.blocked' else 'batch.queued' end, '{}'::jsonb, 'bench', 'bench'
        from generate_series(1, 20000) n`,
    ],
    [
      "queued work",
      sql`insert into generations (id, batch_id, owner_id, row_line, variant_index, tier, preset_version_id, template_version_id, values, prompt, negative_prompt, seed, width, height, status, created_at)
        select md5('q' || n)::uuid, md5('b1')::uuid, (${uuidArray(owners)})[1 + n % 20], n, 0, 'draft', (${pvs})[1], ${tv}::uuid, '{}'::jsonb, 'bench prompt', '', n, 512, 512,
               (case when n % 10 = 0 then 'running' else 'queued' end)::generation_status, now() - n * interval '1 second'
        from generate_series(1, 200) n`,
    ],
    [
      "recreate indexes",
      sql.raw(
        `do $$ declare r record; begin for r in select indexdef from bench_indexes loop execute r.indexdef; end loop; end $$`,
      ),
    ],
    ["normal mode", sql`set local session_replication_role = origin`],
    // Replica mode bypassed the ledger's and the assets' triggers: build the daily rollups (migrations
    // 0017, 0018) the way the migrations backfill them, so the report reads what the triggers would have written.
    ["daily rollup (rebuild)", sql`select kiln_cost_ledger_daily_rebuild()`],
    ["decisions rollup (rebuild)", sql`select kiln_asset_decisions_daily_rebuild()`],
    ["analyze", sql`analyze`],
  ];
  const rows: [string, number][] = [];
  // One transaction, so one connection: the session settings and the saved index list hold throughout.
  await db.transaction(async (tx) => {
    for (const [name, statement] of steps) {
      const t0 = performance.now();
      await tx.execute(statement);
      rows.push([name, performance.now() - t0]);
    }
  });
  return { rows, owners, teamId: teams[0]!.id };
}

type Query = { name: string; run: (db: Db, f: CostFilters, scope: CostScope) => Promise<unknown> };
const QUERIES: Query[] = [
  { name: "totals", run: (db, f, s) => costTotals(db, f, s) },
  { name: "daily series", run: (db, f, s) => costSeries(db, f, s) },
  ...GROUP_DIMENSION_NAMES.map((d) => ({
    name: `by ${d}`,
    run: (db: Db, f: CostFilters, s: CostScope) => costGroups(db, f, s, d),
  })),
  { name: "breakdown", run: (db, f, s) => costBreakdown(db, f, s) },
  { name: "reject reasons", run: (db, f, s) => topRejectReasons(db, f, s) },
  { name: "filter options", run: (db, _f, s) => costFilterOptions(db, s) },
];
const LEDGER_QUERIES: Query[] = [
  { name: "totals (ledger)", run: (db, f, s) => costTotals(db, f, s, { source: "ledger" }) },
  { name: "daily series (ledger)", run: (db, f, s) => costSeries(db, f, s, { source: "ledger" }) },
];
const OPS_QUERIES: Query[] = [
  { name: "ops: per hour", run: (db, f) => ops.generationsPerHour(db, f) },
  { name: "ops: block rate", run: (db, f) => ops.blockRate(db, f) },
  { name: "ops: latency", run: (db, f) => ops.providerLatency(db, f) },
  { name: "ops: errors", run: (db, f) => ops.errorCounts(db, f) },
  { name: "ops: queue depth", run: (db, f) => ops.queueDepth(db, f) },
  { name: "ops: dead letters", run: (db, f) => ops.deadLetters(db, f) },
];

async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  await fn(); // warm-up (plans, caches)
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** EXPLAIN ANALYZE of a query function: a database handle whose execute prefixes the statement. */
async function explain(db: Db, q: Query, f: CostFilters, scope: CostScope) {
  const plans: string[] = [];
  const spy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "execute") return Reflect.get(target, prop, receiver);
      return async (statement: SQL) => {
        const result = (await target.execute(sql`explain (analyze, costs off, timing off) ${statement}`)) as unknown;
        const lines = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
          string,
          string
        >[];
        plans.push(lines.map((l) => Object.values(l)[0]).join("\n"));
        return [];
      };
    },
  });
  await q.run(spy, f, scope).catch(() => undefined);
  console.log(`\n--- EXPLAIN ${q.name}\n${plans.join("\n")}`);
}

async function main() {
  const started = performance.now();
  const kind = env().DATABASE_URL ? "postgres" : "pglite";
  const database = await createTestDatabase();
  try {
    const db = database.db;
    const loaded = await load(db);
    const counts = (await db.execute(
      sql`select (select count(*) from cost_ledger)::int as ledger, (select count(*) from generations)::int as generations, (select count(*) from assets)::int as assets`,
    )) as unknown;
    const c = (Array.isArray(counts) ? counts[0] : (counts as { rows: unknown[] }).rows[0]) as {
      ledger: number;
      generations: number;
      assets: number;
    };
    const loadMs = performance.now() - started;
    console.log(`database: ${kind}${kind === "pglite" ? " (in-memory)" : " (throw-away database on DATABASE_URL)"}`);
    console.log(
      `loaded ${c.ledger} ledger rows, ${c.generations} generations, ${c.assets} assets in ${(loadMs / 1000).toFixed(1)} s`,
    );
    for (const [name, ms] of loaded.rows) console.log(`  ${name.padEnd(44)} ${(ms / 1000).toFixed(1)} s`);

    const countMs = await time(() => db.execute(sql`select count(*) from cost_ledger`), ITERATIONS);
    const floor = pct(countMs, 50);
    const views: { name: string; filters: CostFilters; scope: CostScope; queries: Query[]; iterations: number }[] = [
      {
        name: "default",
        filters: parseCostFilters({}),
        scope: { kind: "all" },
        queries: [...QUERIES, ...OPS_QUERIES],
        iterations: ITERATIONS,
      },
      {
        name: "team",
        filters: parseCostFilters({}),
        scope: { kind: "team", teamId: loaded.teamId },
        queries: QUERIES,
        iterations: ITERATIONS,
      },
      // The whole year scans every row: measured for the headline and the chart only, a few times (it is not the page as it opens).
      {
        name: "year",
        filters: parseCostFilters({
          from: new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10),
          to: new Date().toISOString().slice(0, 10),
        }),
        scope: { kind: "all" },
        queries: QUERIES.slice(0, 2),
        iterations: 3,
      },
      // For comparison only (not the page's path): the same year read from every ledger row, as before the rollup.
      {
        name: "year-ledger",
        filters: parseCostFilters({
          from: new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10),
          to: new Date().toISOString().slice(0, 10),
        }),
        scope: { kind: "all" },
        queries: LEDGER_QUERIES,
        iterations: 3,
      },
    ];
    if (args.explain) {
      const view = views.find((v) => v.name === args.explain) ?? views[0]!;
      for (const q of view.queries) await explain(db, q, view.filters, view.scope);
      return;
    }

    // Printed as measured, so a slow run still shows what it got.
    const w = 22;
    console.log(
      `\n${"view".padEnd(8)} ${"query".padEnd(w)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"× count(*)".padStart(11)}`,
    );
    console.log(`${"-".repeat(8)} ${"-".repeat(w)} ${"-".repeat(8)} ${"-".repeat(8)} ${"-".repeat(11)}`);
    console.log(
      `${"floor".padEnd(8)} ${"count(*) over ledger".padEnd(w)} ${fmt(floor).padStart(8)} ${fmt(pct(countMs, 95)).padStart(8)} ${"1.00".padStart(11)}`,
    );
    const results: { view: string; query: string; p50: number; p95: number }[] = [];
    for (const view of views) {
      for (const q of view.queries) {
        const ms = await time(() => q.run(db, view.filters, view.scope), view.iterations);
        const r = { view: view.name, query: q.name, p50: pct(ms, 50), p95: pct(ms, 95) };
        results.push(r);
        console.log(
          `${r.view.padEnd(8)} ${r.query.padEnd(w)} ${fmt(r.p50).padStart(8)} ${fmt(r.p95).padStart(8)} ${(r.p95 / floor).toFixed(2).padStart(11)}`,
        );
      }
    }
    const worst = (view: string) => Math.max(...results.filter((r) => r.view === view).map((r) => r.p95));
    const p95 = worst("default");

    // What the rollup trigger adds to a ledger write: single-row inserts as the pipeline makes them
    // (one statement per provider call), into a busy day of an existing lineage key.
    const [sample] = (await db
      .execute(
        sql`select * from cost_ledger where batch_id is not null and generation_id is not null order by id desc limit 1`,
      )
      .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as Record<string, unknown>[];
    const insertMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await db.execute(sql`insert into cost_ledger (call_key, generation_id, provider_id, preset_version_id, user_id, operation, outcome, billable, micros, purpose, batch_id, lineage_root_id)
        values (${`bench-insert:${i}`}, ${sample!.generation_id as string}::uuid, ${sample!.provider_id as string}::uuid, ${sample!.preset_version_id as string}::uuid,
                ${sample!.user_id as string}::uuid, 'generate', 'succeeded', true, 1000, 'retry', ${sample!.batch_id as string}::uuid, ${sample!.lineage_root_id as string}::uuid)`);
      insertMs.push(performance.now() - t0);
    }
    console.log(`
ledger insert with the rollup trigger (200 single rows): p50 ${fmt(pct(insertMs, 50))} ms, p95 ${fmt(pct(insertMs, 95))} ms`);

    // What the decisions rollup triggers (migration 0018) add to a review decision: one asset's
    // approval per statement, as decideAsset makes it, on assets waiting in review.
    const waiting = (await db
      .execute(sql`select id from assets where status = 'in_review' order by id limit 200`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as { id: string }[];
    const decideMs: number[] = [];
    for (const { id } of waiting) {
      const t0 = performance.now();
      await db.execute(
        sql`update assets set status = 'approved', approved_at = now(), updated_at = now() where id = ${id}::uuid`,
      );
      decideMs.push(performance.now() - t0);
    }
    console.log(
      `asset approval with the decisions rollup trigger (${decideMs.length} single rows): p50 ${fmt(pct(decideMs, 50))} ms, p95 ${fmt(pct(decideMs, 95))} ms`,
    );
    console.log(
      `\ntotal run ${((performance.now() - started) / 1000).toFixed(1)} s; target: p95 < 300 ms for the page as it opens (default view, p95_ms) and the year view (p95_year_ms)`,
    );
    console.log(
      `p95_ms=${fmt(p95)} ratio=${(p95 / floor).toFixed(2)} db=${kind} ledger_rows=${c.ledger} count_ms=${fmt(floor)} p95_team_ms=${fmt(worst("team"))} p95_year_ms=${fmt(worst("year"))} p95_year_ledger_ms=${fmt(worst("year-ledger"))} insert_p95_ms=${fmt(pct(insertMs, 95))} decide_p95_ms=${fmt(pct(decideMs, 95))}`,
    );
  } finally {
    await database.close();
  }
}

await main();
