import { sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import type { CostFilters } from "./filters";
import { int, queryRows, rate } from "./sql";

/** Operations figures for admins: how the pipeline ran in the range, and what is waiting now. */
export type OperationsHour = { hour: string; succeeded: number; deadLettered: number };
export type ProviderLatency = {
  providerId: string | null;
  provider: string;
  generations: number;
  p50Ms: number | null;
  p95Ms: number | null;
};
export type ErrorCount = { source: "provider call" | "dead-lettered"; code: string; count: number };
export type QueueDepth = { provider: string; queued: number; running: number; oldestQueuedAt: string | null };
export type DeadLetter = {
  generationId: string;
  batchId: string;
  batchName: string;
  campaign: string | null;
  owner: string;
  code: string | null;
  message: string | null;
  at: string;
};
export type BlockRate = { blockedPrompts: number; blockedUploads: number; queuedBatches: number; rate: number | null };

const range = (column: SQL, f: CostFilters) =>
  sql`${column} >= ${f.start.toISOString()}::timestamptz and ${column} < ${f.end.toISOString()}::timestamptz`;
/** The GPU endpoint filter on generations: their preset version's endpoint (where the work is sent). */
const providerOf = (f: CostFilters) => (f.providerId ? sql`pv.provider_id = ${f.providerId}::uuid` : sql`true`);

/** Generations that finished (succeeded or dead-lettered) per UTC hour of the range. */
export async function generationsPerHour(db: DbExecutor, f: CostFilters): Promise<OperationsHour[]> {
  const rows = await queryRows<{ hour: string; succeeded: number; dead: number }>(
    db,
    sql`
    select to_char(date_trunc('hour', g.finished_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00"Z"') as hour,
           count(*) filter (where g.status = 'succeeded')::int as succeeded,
           count(*) filter (where g.status = 'dead_lettered')::int as dead
    from generations g join preset_versions pv on pv.id = g.preset_version_id
    where ${range(sql.raw("g.finished_at"), f)} and g.status in ('succeeded', 'dead_lettered') and ${providerOf(f)}
    group by 1 order by 1`,
  );
  return rows.map((r) => ({ hour: r.hour, succeeded: int(r.succeeded), deadLettered: int(r.dead) }));
}

/**
 * Prompts refused for banned terms before any GPU time, against batches queued, from the audit log
 * (plan-batch records each refused queue request as generation.blocked; uploads as upload.blocked).
 */
export async function blockRate(db: DbExecutor, f: CostFilters): Promise<BlockRate> {
  const [row] = await queryRows<{ prompts: number; uploads: number; queued: number }>(
    db,
    sql`
    select count(*) filter (where e.action = 'generation.blocked')::int as prompts,
           count(*) filter (where e.action = 'upload.blocked')::int as uploads,
           count(*) filter (where e.action = 'batch.queued')::int as queued
    from audit_events e
    where e.action in ('generation.blocked', 'upload.blocked', 'batch.queued') and ${range(sql.raw("e.occurred_at"), f)}`,
  );
  const prompts = int(row?.prompts);
  const queued = int(row?.queued);
  return {
    blockedPrompts: prompts,
    blockedUploads: int(row?.uploads),
    queuedBatches: queued,
    rate: rate(prompts, prompts + queued),
  };
}

/**
 * p50/p95 of the provider's own time per image (generations.provider_ms, = metadata.timings.providerMs;
 * migration 0018), per GPU endpoint: the one the generation's preset version sends work to (the
 * endpoint it ran on), named as it is now. An index range over generations_provider_latency_idx.
 */
export async function providerLatency(db: DbExecutor, f: CostFilters): Promise<ProviderLatency[]> {
  const rows = await queryRows<{
    provider_id: string | null;
    provider: string;
    n: number;
    p50: number | null;
    p95: number | null;
  }>(
    db,
    sql`
    select pv.provider_id::text as provider_id, coalesce(min(pr.name), 'unknown') as provider, count(*)::int as n,
           percentile_cont(0.5) within group (order by g.provider_ms) as p50,
           percentile_cont(0.95) within group (order by g.provider_ms) as p95
    from generations g
    join preset_versions pv on pv.id = g.preset_version_id
    left join providers pr on pr.id = pv.provider_id
    where g.status = 'succeeded' and g.provider_ms is not null and ${range(sql.raw("g.finished_at"), f)} and ${providerOf(f)}
    group by pv.provider_id order by n desc`,
  );
  return rows.map((r) => ({
    providerId: r.provider_id,
    provider: r.provider,
    generations: int(r.n),
    p50Ms: r.p50 === null ? null : Math.round(Number(r.p50)),
    p95Ms: r.p95 === null ? null : Math.round(Number(r.p95)),
  }));
}

/** Failed provider calls by error kind (ledger) and dead-lettered generations by reason code. */
export async function errorCounts(db: DbExecutor, f: CostFilters): Promise<ErrorCount[]> {
  const rows = await queryRows<{ source: ErrorCount["source"]; code: string; n: number }>(
    db,
    sql`
    select 'provider call' as source, coalesce(l.error_kind, 'unknown') as code, count(*)::int as n
    from cost_ledger l left join preset_versions pv on pv.id = l.preset_version_id
    where l.outcome in ('failed', 'interrupted') and ${range(sql.raw("l.created_at"), f)} and ${f.providerId ? sql`l.provider_id = ${f.providerId}::uuid` : sql`true`}
    group by 2
    union all
    select 'dead-lettered', coalesce(g.error_code, 'unknown'), count(*)::int
    from generations g join preset_versions pv on pv.id = g.preset_version_id
    where g.status = 'dead_lettered' and ${range(sql.raw("g.finished_at"), f)} and ${providerOf(f)}
    group by 2
    order by 3 desc, 1, 2`,
  );
  return rows.map((r) => ({ source: r.source, code: r.code, count: int(r.n) }));
}

/** Work waiting or in flight right now, per GPU endpoint (not limited to the range: it is the present). */
export async function queueDepth(db: DbExecutor, f: CostFilters): Promise<QueueDepth[]> {
  const rows = await queryRows<{ provider: string; queued: number; running: number; oldest: string | null }>(
    db,
    sql`
    select pr.name as provider,
           count(*) filter (where g.status = 'queued')::int as queued,
           count(*) filter (where g.status = 'running')::int as running,
           to_char(min(g.created_at) filter (where g.status = 'queued') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as oldest
    from generations g
    join preset_versions pv on pv.id = g.preset_version_id
    join providers pr on pr.id = pv.provider_id
    where g.status in ('queued', 'running') and ${providerOf(f)}
    group by pr.name order by 2 desc, 1`,
  );
  return rows.map((r) => ({
    provider: r.provider,
    queued: int(r.queued),
    running: int(r.running),
    oldestQueuedAt: r.oldest,
  }));
}

/** Parked work (dead-lettered in the range), newest first, with the reason and its batch. */
export async function deadLetters(db: DbExecutor, f: CostFilters, limit = 50): Promise<DeadLetter[]> {
  const rows = await queryRows<{
    id: string;
    batch_id: string;
    batch_name: string;
    campaign: string | null;
    owner: string;
    code: string | null;
    message: string | null;
    at: string;
  }>(
    db,
    sql`
    select g.id, g.batch_id, b.name as batch_name, b.campaign, o.email as owner, g.error_code as code, g.error_message as message,
           to_char(g.finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
    from generations g
    join batches b on b.id = g.batch_id
    join users o on o.id = b.owner_id
    join preset_versions pv on pv.id = g.preset_version_id
    where g.status = 'dead_lettered' and ${range(sql.raw("g.finished_at"), f)} and ${providerOf(f)}
    order by g.finished_at desc
    limit ${limit}`,
  );
  return rows.map((r) => ({
    generationId: r.id,
    batchId: r.batch_id,
    batchName: r.batch_name,
    campaign: r.campaign,
    owner: r.owner,
    code: r.code,
    message: r.message,
    at: r.at,
  }));
}
