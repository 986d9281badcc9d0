/**
 * bench:metrics — how long one /api/metrics scrape reads the database for, at scale.
 *
 * Loads N generations (default 100,000) over three tiers and two GPU endpoints, one provider call
 * and one ledger row each (plus retries and edits), an asset per succeeded generation (a share in
 * review), four check results per asset, webhook deliveries and some queued work — set-based
 * (INSERT … SELECT generate_series), with foreign-key triggers off for the load. Then renders the
 * whole exposition (renderMetrics, process metrics left out) many times and prints p50/p95.
 * With --explain, prints EXPLAIN ANALYZE of each snapshot query instead.
 *
 * Uses DATABASE_URL when set (a throw-away database on that server), else in-memory PGlite.
 * Usage: tsx bench/metrics.ts [--rows 100000] [--iterations 20] [--explain]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";

const { values: args } = parseArgs({
  options: { rows: { type: "string" }, iterations: { type: "string" }, explain: { type: "boolean" } },
  strict: true,
});
const N = Number(args.rows ?? 100_000);
const ITERATIONS = Number(args.iterations ?? 20);

const { createTestDatabase } = await import("../db/testing");
const { seedCatalog } = await import("../lib/catalog/seed-catalog");
const { createUserFactory } = await import("../test/factories");
const schema = await import("../db/schema");
const { eq } = await import("drizzle-orm");
const { renderMetrics } = await import("../lib/observability/metrics");
const { SNAPSHOT_QUERIES } = await import("../lib/observability/metrics-snapshot");

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((xs.length * p) / 100) - 1)] ?? NaN;

const database = await createTestDatabase();
const db = database.db;
let result = "";
try {
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const owner = await createUserFactory(db, { role: "designer" });
  const [two] = await db
    .insert(schema.providers)
    .values({ slug: "bench-two", name: "Bench two", kind: "a1111", baseUrl: "http://127.0.0.1:10" })
    .returning();
  const versions = await db
    .select({
      tier: schema.presets.tier,
      id: schema.presetVersions.id,
      presetId: schema.presetVersions.presetId,
      providerId: schema.presetVersions.providerId,
    })
    .from(schema.presets)
    .innerJoin(schema.presetVersions, eq(schema.presetVersions.id, schema.presets.activeVersionId));
  const [template] = await db.select().from(schema.templates).limit(1);
  const tv = template!.activeVersionId!;
  // Every third generation goes to the second endpoint.
  const draft = versions.find((v) => v.tier === "draft")!;
  const [full] = await db.select().from(schema.presetVersions).where(eq(schema.presetVersions.id, draft.id));
  const [twoVersion] = await db
    .insert(schema.presetVersions)
    .values({
      presetId: draft.presetId,
      version: 99,
      providerId: two!.id,
      model: full!.model,
      params: full!.params,
      priceModel: full!.priceModel,
    })
    .returning();
  const pvs = sql.raw(`'{${[...versions.map((v) => v.id), twoVersion!.id].join(",")}}'::uuid[]`);

  const started = performance.now();
  await database.transaction(async (query) => {
    await query(`set local session_replication_role = replica`);
    await query(
      `insert into batches (id, owner_id, idempotency_key, name, template_version_id, source, status, total, estimate_micros, estimate_seconds, settings)
       values (md5('bench')::uuid, $1, 'bench', 'Bench', $2, 'form', 'running', 1, 0, 0, '{"variantsPerRow":1,"aspectRatios":[]}')`,
      [owner.id, tv],
    );
    const steps = [
      // generations: 1 in 100 dead-lettered, 1 in 200 cancelled, 1 in 500 queued, 1 in 1000 running, the rest succeeded.
      sql`insert into generations (id, batch_id, owner_id, row_line, variant_index, tier, preset_version_id, template_version_id, values, prompt, negative_prompt, seed, width, height, status, attempts, created_at, started_at, finished_at)
          select md5('g' || i)::uuid, md5('bench')::uuid, ${owner.id}::uuid, i, 0, (array['draft','support','hero','draft'])[1 + i % 4]::tier, (${pvs})[1 + i % 4],
                 ${tv}::uuid, '{}'::jsonb, 'p', '', i, 512, 512,
                 (case when i % 1000 = 0 then 'running' when i % 500 = 0 then 'queued' when i % 200 = 0 then 'cancelled' when i % 100 = 0 then 'dead_lettered' else 'succeeded' end)::generation_status,
                 1, now() - i * interval '10 seconds', case when i % 500 <> 0 and i % 200 <> 0 then now() - i * interval '10 seconds' end,
                 case when i % 500 <> 0 then now() - i * interval '10 seconds' + interval '30 seconds' end
          from generate_series(1, ${N}::int) i`,
      sql`insert into provider_calls (call_key, provider_id, generation_id, ledger, started_at, lease_expires_at, ended_at)
          select g.id || ':generate:1', pv.provider_id, g.id, '{}'::jsonb, g.started_at, g.started_at + interval '3 minutes',
                 case when g.status <> 'running' then g.started_at + ((g.row_line % 900) / 10.0) * interval '1 second' end
          from generations g join preset_versions pv on pv.id = g.preset_version_id where g.started_at is not null`,
      sql`insert into cost_ledger (call_key, generation_id, provider_id, preset_version_id, user_id, operation, outcome, billable, micros, purpose, batch_id, lineage_root_id, engine, created_at)
          select pc.call_key, g.id, pc.provider_id, g.preset_version_id, g.owner_id, 'generate',
                 case when g.status = 'dead_lettered' then 'failed' when g.row_line % 997 = 0 then 'interrupted' else 'succeeded' end, true, 1000 + g.row_line % 50000, 'first_attempt', g.batch_id, g.id, 'a1111', pc.ended_at
          from provider_calls pc join generations g on g.id = pc.generation_id where pc.ended_at is not null`,
      sql`insert into assets (id, generation_id, batch_id, owner_id, tier, preset_version_id, status, entered_review_at, created_at)
          select md5('a' || g.id::text)::uuid, g.id, g.batch_id, g.owner_id, g.tier, g.preset_version_id,
                 (case when g.row_line % 10 = 1 then 'in_review' else 'approved' end)::asset_status, case when g.row_line % 10 = 1 then g.finished_at end, g.finished_at
          from generations g where g.status = 'succeeded'`,
      sql`insert into cost_ledger (call_key, user_id, operation, outcome, billable, micros, purpose, batch_id, asset_id, engine, created_at)
          select 'edit:' || a.id, a.owner_id, 'upscale', 'succeeded', false, 0, 'edit', a.batch_id, a.id, 'esrgan-local', a.created_at
          from assets a where a.created_at is not null and abs(hashtext(a.id::text)) % 20 = 0`,
      sql`insert into check_runs (id, asset_version_id, trigger, thresholds, status, verdict, created_at)
          select md5('c' || a.id::text)::uuid, md5('v' || a.id::text)::uuid, 'generated', '{}'::jsonb, 'decided', 'pass', a.created_at from assets a`,
      sql`insert into check_results (check_run_id, check_id, check_version, verdict, detail, duration_ms)
          select md5('c' || a.id::text)::uuid, c, 1, (case when abs(hashtext(a.id::text || c)) % 20 = 0 then 'fail' when abs(hashtext(a.id::text || c)) % 10 = 0 then 'warn' else 'pass' end)::check_verdict, 'bench', 1
          from assets a cross join unnest(array['nsfw','blur','exposure','text']) c`,
      sql`insert into webhook_deliveries (endpoint_id, message_id, event_type, payload, status, created_at)
          select md5('w')::uuid, 'msg_' || n, 'asset.approved', '{"type":"asset.approved","data":{"id":"x"}}'::jsonb,
                 (case when n % 50 = 0 then 'failed' when n % 20 = 0 then 'retrying' else 'succeeded' end)::webhook_delivery_status, now()
          from generate_series(1, ${Math.round(N / 2)}::int) n`,
      sql`insert into campaign_holds (campaign, reason) values ('Bench', 'stop_loss')`,
      sql`insert into audit_checkpoints (seq, hash, event_count, signature, blob_key) values (1000, 'benchhash', 1000, 'sig', 'audit/1000.json')`,
    ];
    const dialect = new (await import("drizzle-orm/pg-core")).PgDialect();
    for (const step of steps) {
      const q = dialect.sqlToQuery(step);
      await query(q.sql, q.params);
    }
  });
  await database.query("analyze");
  const counts = await database.query<{ t: string; n: number }>(
    `select 'generations' t, count(*)::int n from generations union all select 'provider_calls', count(*)::int from provider_calls
     union all select 'cost_ledger', count(*)::int from cost_ledger union all select 'check_results', count(*)::int from check_results
     union all select 'assets', count(*)::int from assets union all select 'webhook_deliveries', count(*)::int from webhook_deliveries`,
  );
  console.log(
    `loaded in ${((performance.now() - started) / 1000).toFixed(1)} s on ${database.kind}: ${counts.map((c) => `${c.t} ${c.n}`).join(", ")}`,
  );

  if (args.explain) {
    const dialect = new (await import("drizzle-orm/pg-core")).PgDialect();
    for (const [name, query] of Object.entries(SNAPSHOT_QUERIES)) {
      const q = dialect.sqlToQuery(query);
      const plan = await database.query<Record<string, string>>(`explain (analyze, buffers off) ${q.sql}`, q.params);
      console.log(`\n== ${name}\n${plan.map((r) => Object.values(r)[0]).join("\n")}`);
    }
  } else {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      const { text } = await renderMetrics({ db, includeProcess: false });
      times.push(performance.now() - t);
      bytes = text.length;
      if (!text.includes("kiln_metrics_database_up 1")) throw new Error("the scrape failed to read the database");
    }
    // The floor: touching every row of the tables a scrape reads in full, once each.
    const floor: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      for (const table of ["generations", "provider_calls", "cost_ledger", "check_results", "webhook_deliveries"])
        await database.query(`select count(*) from ${table}`);
      floor.push(performance.now() - t);
    }
    console.log(
      `floor (count(*) of generations, provider_calls, cost_ledger, check_results, webhook_deliveries): p50 ${pct(floor, 50).toFixed(1)} ms`,
    );
    console.log(
      `scrape (${ITERATIONS}×, ${bytes} bytes): p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );
    result =
      `scrape_p50_ms=${pct(times, 50).toFixed(1)} scrape_p95_ms=${pct(times, 95).toFixed(1)} floor_p50_ms=${pct(floor, 50).toFixed(1)} ` +
      `ratio_to_floor=${(pct(times, 50) / pct(floor, 50)).toFixed(2)} rows=${N} db=${database.kind}`;
  }
} finally {
  await database.close();
}
// The headline figures, last, after the database is closed (so nothing prints after them).
if (result) console.log(result);
