import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { inBatches, rowsOf, type BatchOptions } from "./batches";

/** Statuses the runner never changes again (inngest/runner/engine.ts TERMINAL). */
const FINISHED = sql.raw(`('completed', 'failed', 'cancelled')`);

export type RunnerPruneResult = { runs: number; steps: number; events: number; skipped?: "no runner tables" };

/**
 * The embedded runner's history (tables of inngest/runner/migrations.ts) older than `keepMs`:
 * - runs that finished (completed, failed, cancelled) before the cut-off, with their steps (and any
 *   leftover jobs, by cascade). A queued or running run, sleeping or waiting included, is never touched.
 * - events received before the cut-off that the runner has processed (runs triggered, waits and
 *   cancellations matched) and that no unfinished run was started by. An unprocessed event may still
 *   match a waiting run, so it stays whatever its age.
 * On Inngest Cloud or a self-hosted Inngest there are no runner tables and nothing is done.
 */
export async function pruneRunnerHistory({
  db,
  now = new Date(),
  keepMs,
  ...options
}: { db: DbExecutor; now?: Date; keepMs: number } & BatchOptions): Promise<RunnerPruneResult> {
  const [probe] = rowsOf<{ present: boolean }>(
    await db.execute(
      sql`select to_regclass('inngest_runner_runs') is not null and to_regclass('inngest_runner_events') is not null as present`,
    ),
  );
  if (!probe?.present) return { runs: 0, steps: 0, events: 0, skipped: "no runner tables" };
  // The runner keeps times as epoch milliseconds (float8).
  const cutoff = now.getTime() - keepMs;
  const { runs, steps } = await inBatches(
    ["runs", "steps"] as const,
    async (n) => {
      const result = await db.execute(sql`
        with doomed as (
          select id from inngest_runner_runs
          where status in ${FINISHED} and ended_at is not null and ended_at < ${cutoff}::float8
          order by ended_at limit ${n}
        ),
        s as (delete from inngest_runner_steps where run_id in (select id from doomed) returning 1),
        r as (delete from inngest_runner_runs where id in (select id from doomed) and status in ${FINISHED} returning 1)
        select (select count(*) from r)::int as runs, (select count(*) from s)::int as steps`);
      const [row] = rowsOf<{ runs: number; steps: number }>(result);
      return { runs: Number(row?.runs ?? 0), steps: Number(row?.steps ?? 0) };
    },
    options,
  );
  const { events } = await inBatches(
    ["events"] as const,
    async (n) => {
      const result = await db.execute(sql`
        with doomed as (
          select e.id from inngest_runner_events e
          where e.processed and e.received_at < ${cutoff}::float8
            and not exists (select 1 from inngest_runner_runs r where r.event_id = e.id and r.status not in ${FINISHED})
          order by e.received_at limit ${n}
        ),
        d as (delete from inngest_runner_events where id in (select id from doomed) returning 1)
        select count(*)::int as events from d`);
      return { events: Number(rowsOf<{ events: number }>(result)[0]?.events ?? 0) };
    },
    options,
  );
  return { runs, steps, events };
}
