import { sql, type SQL } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";

/**
 * The product's figures at one moment, read from PostgreSQL at scrape time. Kiln may run several
 * web and worker processes on one database, so nothing here is counted in process memory: every
 * process answering /api/metrics reports the same cluster-wide truth.
 *
 * Every query walks a small table, an index range, or one big table once (the only per-row lookups
 * are the edited asset's tier for editor rows); bench/metrics.ts measures a whole snapshot on
 * 100,000 generations.
 */
export type MetricsSnapshot = {
  generations: {
    endpoint: string;
    tier: string;
    created: number;
    started: number;
    succeeded: number;
    failed: number;
    cancelled: number;
  }[];
  queue: { endpoint: string; state: "queued" | "running"; count: number; oldestAgeSeconds: number }[];
  /** `buckets[i]`: calls that took at most PROVIDER_LATENCY_BUCKETS[i] seconds (cumulative, as Prometheus wants). */
  providerLatency: { endpoint: string; buckets: number[]; count: number; sumSeconds: number }[];
  ledger: { endpoint: string; tier: string; outcome: string; calls: number; micros: number }[];
  checks: { check: string; verdict: string; count: number }[];
  review: { pending: number; oldestAgeSeconds: number };
  holds: { reason: string; count: number }[];
  webhooks: { state: string; count: number }[];
  auditCheckpoint: { seq: number; hash: string; createdAtSeconds: number } | null;
};

/** Upper bounds (seconds) of the provider call histogram: a fast draft in a quarter second up to a two-minute hero call. */
export const PROVIDER_LATENCY_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** Label for ledger rows of local engines (CPU work on this machine: no GPU endpoint). */
export const LOCAL_ENDPOINT = "local";
/** Label for spend that belongs to no tier (connection tests, edits of uploaded assets). */
export const NO_TIER = "none";

async function rows<T>(db: DbExecutor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * Bucket of a call's duration: how many bounds lie below it, so bucket i holds the calls in
 * (bound[i-1], bound[i]] and PROVIDER_LATENCY_BUCKETS.length the ones above the last bound.
 * width_bucket counts the bounds at or below a value; timestamps have microsecond resolution, so
 * half a microsecond less turns that into Prometheus's "less than or equal" (le) buckets.
 */
const bounds = sql.raw(`array[${PROVIDER_LATENCY_BUCKETS.join(",")}]::float8[]`);

/**
 * The snapshot's queries, by name (bench/metrics.ts runs EXPLAIN ANALYZE on each). The big tables
 * are grouped by their raw columns (uuids, enums: cheap to hash) and never joined row by row; the
 * small catalog (endpoints, preset versions) is read whole and the labels are put on in code.
 */
export const SNAPSHOT_QUERIES = {
  providers: sql`select id, slug from providers`,
  presetVersions: sql`select pv.id, pv.provider_id, p.tier::text as tier from preset_versions pv join presets p on p.id = pv.preset_id`,
  // All generations, once. The endpoint is the preset version's (where the work is sent).
  generations: sql`select preset_version_id, tier::text as tier, status::text as status, started_at is not null as started, count(*)::int as n
    from generations group by preset_version_id, tier, status, started_at is not null`,
  // Unfinished work only: the predicate of the partial index generations_unfinished_idx.
  queue: sql`select preset_version_id, status::text as state, count(*)::int as n,
         coalesce(extract(epoch from (now() - min(created_at))), 0)::float8 as oldest
    from generations where status in ('queued', 'running')
    group by preset_version_id, status`,
  // Ended calls, minus those ledgered "interrupted" (their end is when a crash was noticed, not a call's
  // length); grouped by endpoint and bucket, so each row's duration is computed once.
  latency: sql`select c.provider_id, width_bucket(c.d - 0.0000005, ${bounds}) as bucket, count(*)::int as n, sum(c.d)::float8 as total
    from (select pc.provider_id, extract(epoch from (pc.ended_at - pc.started_at))::float8 as d
          from provider_calls pc
          where pc.ended_at is not null
            and not exists (select 1 from cost_ledger l where l.call_key = pc.call_key and l.outcome = 'interrupted')) c
    group by 1, 2`,
  // Provider calls and connection tests: the tier follows from the preset version (null: no tier).
  ledger: sql`select provider_id, preset_version_id, outcome, count(*)::int as calls, coalesce(sum(micros), 0)::text as micros
    from cost_ledger where asset_id is null group by provider_id, preset_version_id, outcome`,
  // Editor operations (few, found through cost_ledger_asset_idx): the tier is the edited asset's, looked
  // up by primary key per edit row (a scalar subquery: a join would hash the whole assets table).
  edits: sql`select e.provider_id, e.tier, e.outcome, count(*)::int as calls, coalesce(sum(e.micros), 0)::text as micros
    from (select l.provider_id, l.outcome, l.micros, (select a.tier::text from assets a where a.id = l.asset_id) as tier
          from cost_ledger l where l.asset_id is not null) e
    group by 1, 2, 3`,
  checks: sql`select check_id, verdict::text as verdict, count(*)::int as n from check_results group by check_id, verdict`,
  // An index range of assets_status_idx (status, entered_review_at).
  review: sql`select count(*)::int as n, coalesce(extract(epoch from (now() - min(entered_review_at))), 0)::float8 as oldest from assets where status = 'in_review'`,
  holds: sql`select reason, count(*)::int as n from campaign_holds where released_at is null group by reason`,
  webhooks: sql`select status::text as state, count(*)::int as n from webhook_deliveries group by status`,
  checkpoint: sql`select seq, hash, extract(epoch from created_at)::float8 as created from audit_checkpoints order by seq desc limit 1`,
};

/** Adds rows into labelled totals: rows with the same labels (after mapping ids to names) are summed. */
function totals<K extends string, V extends string>(keys: readonly K[], values: readonly V[]) {
  const map = new Map<string, Record<K, string> & Record<V, number>>();
  return {
    add(labels: Record<K, string>, add: Record<V, number>) {
      const id = keys.map((k) => labels[k]).join("\u0000");
      const row =
        map.get(id) ??
        ({ ...labels, ...Object.fromEntries(values.map((v) => [v, 0])) } as Record<K, string> & Record<V, number>);
      for (const v of values) (row as Record<string, unknown>)[v] = (row[v] as number) + add[v];
      map.set(id, row);
    },
    rows: () =>
      [...map.values()].sort((a, b) =>
        keys
          .map((k) => a[k])
          .join("\u0000")
          .localeCompare(keys.map((k) => b[k]).join("\u0000")),
      ),
  };
}

/** Per-bucket rows (endpoint, bucket, count, sum) into cumulative buckets per endpoint. */
function histogramOf(
  rows: Record<string, unknown>[],
  endpoint: (id: string | null) => string,
): MetricsSnapshot["providerLatency"] {
  const byEndpoint = new Map<string, MetricsSnapshot["providerLatency"][number]>();
  for (const r of rows) {
    const name = endpoint(r.provider_id as string);
    const h = byEndpoint.get(name) ?? {
      endpoint: name,
      buckets: PROVIDER_LATENCY_BUCKETS.map(() => 0),
      count: 0,
      sumSeconds: 0,
    };
    const n = num(r.n);
    // Cumulative: a call in bucket b counts for every bound from b up.
    for (let i = num(r.bucket); i < PROVIDER_LATENCY_BUCKETS.length; i++) h.buckets[i]! += n;
    h.count += n;
    h.sumSeconds += num(r.total);
    byEndpoint.set(name, h);
  }
  return [...byEndpoint.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

export async function readMetricsSnapshot(db: Db): Promise<MetricsSnapshot> {
  const q = SNAPSHOT_QUERIES;
  // One read-only snapshot: the figures agree with each other (queued + running + finished = created).
  return db.transaction(
    async (tx) => {
      // A scrape must never hold the database up: a runaway plan is cut off, the scrape reports the failure.
      await tx.execute(sql`set local statement_timeout = '5s'`);
      const slugs = new Map((await rows<{ id: string; slug: string }>(tx, q.providers)).map((p) => [p.id, p.slug]));
      const endpoint = (id: string | null) => (id ? (slugs.get(id) ?? id) : LOCAL_ENDPOINT);
      const versions = new Map(
        (await rows<{ id: string; provider_id: string; tier: string }>(tx, q.presetVersions)).map((v) => [v.id, v]),
      );
      const endpointOfVersion = (id: unknown) => endpoint(versions.get(id as string)?.provider_id ?? null);

      const gens = totals(["endpoint", "tier"], ["created", "started", "succeeded", "failed", "cancelled"]);
      for (const r of await rows<Record<string, unknown>>(tx, q.generations)) {
        const n = num(r.n);
        gens.add(
          { endpoint: endpointOfVersion(r.preset_version_id), tier: String(r.tier) },
          {
            created: n,
            started: r.started ? n : 0,
            succeeded: r.status === "succeeded" ? n : 0,
            failed: r.status === "dead_lettered" ? n : 0,
            cancelled: r.status === "cancelled" ? n : 0,
          },
        );
      }
      const queueRows = await rows<Record<string, unknown>>(tx, q.queue);
      const queue = totals(["endpoint", "state"], ["count"]);
      for (const r of queueRows)
        queue.add({ endpoint: endpointOfVersion(r.preset_version_id), state: String(r.state) }, { count: num(r.n) });
      const latency = await rows<Record<string, unknown>>(tx, q.latency);
      const ledger = totals(["endpoint", "tier", "outcome"], ["calls", "micros"]);
      for (const r of await rows<Record<string, unknown>>(tx, q.ledger)) {
        const tier = r.preset_version_id ? (versions.get(r.preset_version_id as string)?.tier ?? NO_TIER) : NO_TIER;
        ledger.add(
          { endpoint: endpoint(r.provider_id as string | null), tier, outcome: String(r.outcome) },
          { calls: num(r.calls), micros: num(r.micros) },
        );
      }
      for (const r of await rows<Record<string, unknown>>(tx, q.edits)) {
        ledger.add(
          {
            endpoint: endpoint(r.provider_id as string | null),
            tier: (r.tier as string | null) ?? NO_TIER,
            outcome: String(r.outcome),
          },
          { calls: num(r.calls), micros: num(r.micros) },
        );
      }
      const checks = await rows<Record<string, unknown>>(tx, q.checks);
      const [review] = await rows<Record<string, unknown>>(tx, q.review);
      const holds = await rows<Record<string, unknown>>(tx, q.holds);
      const webhooks = await rows<Record<string, unknown>>(tx, q.webhooks);
      const [checkpoint] = await rows<Record<string, unknown>>(tx, q.checkpoint);

      return {
        generations: gens.rows(),
        queue: queue.rows().map((g) => ({
          ...g,
          state: g.state as "queued" | "running",
          // A maximum over the preset versions of an endpoint, not a sum.
          oldestAgeSeconds: Math.max(
            0,
            ...queueRows
              .filter((r) => endpointOfVersion(r.preset_version_id) === g.endpoint && r.state === g.state)
              .map((r) => num(r.oldest)),
          ),
        })),
        providerLatency: histogramOf(latency, endpoint),
        ledger: ledger.rows(),
        checks: checks.map((r) => ({ check: String(r.check_id), verdict: String(r.verdict), count: num(r.n) })),
        review: { pending: num(review?.n), oldestAgeSeconds: Math.max(0, num(review?.oldest)) },
        holds: holds.map((r) => ({ reason: String(r.reason), count: num(r.n) })),
        webhooks: webhooks.map((r) => ({ state: String(r.state), count: num(r.n) })),
        auditCheckpoint: checkpoint
          ? { seq: num(checkpoint.seq), hash: String(checkpoint.hash), createdAtSeconds: num(checkpoint.created) }
          : null,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
