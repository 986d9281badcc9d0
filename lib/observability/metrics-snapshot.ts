import { sql, type SQL } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";

/**
 * The product's figures at one moment, read from PostgreSQL at scrape time. Kiln may run several
 * web and worker processes on one database, so nothing here is counted in process memory: every
 * process answering /api/metrics reports the same cluster-wide truth.
 *
 * Every query either walks a small table, an index range, or one table once (no per-row lookups);
 * bench/metrics.ts measures a whole snapshot on 100,000 generations.
 */
export type MetricsSnapshot = {
  generations: { endpoint: string; tier: string; created: number; started: number; succeeded: number; failed: number; cancelled: number }[];
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

export async function readMetricsSnapshot(db: Db): Promise<MetricsSnapshot> {
  // One read-only snapshot: the figures agree with each other (queued + running + finished = created).
  return db.transaction(
    async (tx) => {
      // A scrape must never hold the database up: a runaway plan is cut off, the scrape reports the failure.
      await tx.execute(sql`set local statement_timeout = '5s'`);
      const slugs = new Map((await rows<{ id: string; slug: string }>(tx, sql`select id, slug from providers`)).map((p) => [p.id, p.slug]));
      const endpoint = (id: string | null) => (id ? (slugs.get(id) ?? id) : LOCAL_ENDPOINT);

      // All generations, once, with the (small) preset version table hashed: the endpoint a generation is sent to.
      const generations = await rows<Record<string, unknown>>(
        tx,
        sql`select pv.provider_id, g.tier::text as tier, count(*)::int as created, count(g.started_at)::int as started,
                   count(*) filter (where g.status = 'succeeded')::int as succeeded,
                   count(*) filter (where g.status = 'dead_lettered')::int as failed,
                   count(*) filter (where g.status = 'cancelled')::int as cancelled
            from generations g join preset_versions pv on pv.id = g.preset_version_id
            group by 1, 2 order by 1, 2`,
      );

      // Unfinished work only: the predicate of the partial index generations_unfinished_idx.
      const queue = await rows<Record<string, unknown>>(
        tx,
        sql`select pv.provider_id, g.status::text as state, count(*)::int as n,
                   coalesce(extract(epoch from (now() - min(g.created_at))), 0)::float8 as oldest
            from generations g join preset_versions pv on pv.id = g.preset_version_id
            where g.status in ('queued', 'running')
            group by 1, 2 order by 1, 2`,
      );

      // Ended calls, minus those ledgered "interrupted" (their end is when a crash was noticed, not a call's length).
      const d = sql.raw("extract(epoch from (pc.ended_at - pc.started_at))");
      const bucketColumns = sql.join(
        PROVIDER_LATENCY_BUCKETS.map((le, i) => sql`count(*) filter (where ${d} <= ${sql.raw(String(le))})::int as ${sql.raw(`b${i}`)}`),
        sql`, `,
      );
      const latency = await rows<Record<string, unknown>>(
        tx,
        sql`select pc.provider_id, count(*)::int as n, coalesce(sum(${d}), 0)::float8 as total, ${bucketColumns}
            from provider_calls pc
            where pc.ended_at is not null
              and not exists (select 1 from cost_ledger l where l.call_key = pc.call_key and l.outcome = 'interrupted')
            group by 1 order by 1`,
      );

      // The ledger once; the tier from the preset version (generation calls) or the edited asset (edits).
      const ledger = await rows<Record<string, unknown>>(
        tx,
        sql`select l.provider_id, coalesce(p.tier::text, a.tier::text) as tier, l.outcome, count(*)::int as calls, coalesce(sum(l.micros), 0)::text as micros
            from cost_ledger l
            left join preset_versions pv on pv.id = l.preset_version_id
            left join presets p on p.id = pv.preset_id
            left join assets a on l.asset_id is not null and a.id = l.asset_id
            group by 1, 2, 3 order by 1, 2, 3`,
      );

      const checks = await rows<Record<string, unknown>>(tx, sql`select check_id, verdict::text as verdict, count(*)::int as n from check_results group by 1, 2 order by 1, 2`);

      // An index range of assets_status_idx (status, entered_review_at).
      const [review] = await rows<Record<string, unknown>>(
        tx,
        sql`select count(*)::int as n, coalesce(extract(epoch from (now() - min(entered_review_at))), 0)::float8 as oldest from assets where status = 'in_review'`,
      );

      const holds = await rows<Record<string, unknown>>(tx, sql`select reason, count(*)::int as n from campaign_holds where released_at is null group by 1 order by 1`);
      const webhooks = await rows<Record<string, unknown>>(tx, sql`select status::text as state, count(*)::int as n from webhook_deliveries group by 1 order by 1`);
      const [checkpoint] = await rows<Record<string, unknown>>(
        tx,
        sql`select seq, hash, extract(epoch from created_at)::float8 as created from audit_checkpoints order by seq desc limit 1`,
      );

      return {
        generations: generations.map((r) => ({
          endpoint: endpoint(r.provider_id as string),
          tier: String(r.tier),
          created: num(r.created),
          started: num(r.started),
          succeeded: num(r.succeeded),
          failed: num(r.failed),
          cancelled: num(r.cancelled),
        })),
        queue: queue.map((r) => ({ endpoint: endpoint(r.provider_id as string), state: r.state as "queued" | "running", count: num(r.n), oldestAgeSeconds: Math.max(0, num(r.oldest)) })),
        providerLatency: latency.map((r) => ({
          endpoint: endpoint(r.provider_id as string),
          buckets: PROVIDER_LATENCY_BUCKETS.map((_, i) => num(r[`b${i}`])),
          count: num(r.n),
          sumSeconds: num(r.total),
        })),
        ledger: ledger.map((r) => ({
          endpoint: endpoint(r.provider_id as string | null),
          tier: (r.tier as string | null) ?? NO_TIER,
          outcome: String(r.outcome),
          calls: num(r.calls),
          micros: num(r.micros),
        })),
        checks: checks.map((r) => ({ check: String(r.check_id), verdict: String(r.verdict), count: num(r.n) })),
        review: { pending: num(review?.n), oldestAgeSeconds: Math.max(0, num(review?.oldest)) },
        holds: holds.map((r) => ({ reason: String(r.reason), count: num(r.n) })),
        webhooks: webhooks.map((r) => ({ state: String(r.state), count: num(r.n) })),
        auditCheckpoint: checkpoint ? { seq: num(checkpoint.seq), hash: String(checkpoint.hash), createdAtSeconds: num(checkpoint.created) } : null,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
