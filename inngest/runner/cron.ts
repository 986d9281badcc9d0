import { Cron } from "croner";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import { createRun } from "./runs";
import type { Query } from "./types";

/**
 * Cron triggers. Each (function, cron) pair has one row in inngest_runner_crons holding its next
 * due time: the scheduler fires a row when it is due — claiming it by moving next_at forward in the
 * same transaction that creates the run — so a restart loses nothing and never fires twice. Times
 * missed while the runner was down collapse into one run (as Inngest does not backfill either).
 */

/** Inngest's syntax: a crontab, optionally prefixed "TZ=Area/City " (UTC otherwise). */
function parse(expression: string): Cron {
  const match = /^\s*(?:TZ|CRON_TZ)=(\S+)\s+(.+)$/.exec(expression);
  const timezone = match ? match[1]! : "UTC";
  return new Cron(match ? match[2]!.trim() : expression.trim(), { timezone, paused: true, mode: "5-or-6-parts" });
}

/** Why a cron expression cannot be used, or null. */
export function cronProblem(expression: string): string | null {
  try {
    parse(expression);
    return null;
  } catch (err) {
    return `cannot parse the cron expression "${expression}": ${(err as Error).message}`;
  }
}

/** The first time strictly after `after` (epoch ms) the expression matches; null when it never will again. */
export function nextCronTime(expression: string, after: number): number | null {
  const cron = parse(expression);
  const next = cron.nextRun(new Date(after));
  cron.stop();
  return next ? next.getTime() : null;
}

export function cronsOf(config: RegisteredFunction["config"]): string[] {
  return (config.triggers ?? []).flatMap((t) =>
    "cron" in t && typeof t.cron === "string" && !cronProblem(t.cron) ? [t.cron] : [],
  );
}

/**
 * After a sync: one row per (function, cron) of the synced functions. A row that already exists
 * keeps its due time (a re-sync or restart does not push it back); new ones are due at their next
 * match; rows of removed functions or crons go.
 */
export async function syncCrons(q: Query, functions: RegisteredFunction[], now = Date.now()): Promise<void> {
  await q(
    "DELETE FROM inngest_runner_crons c WHERE NOT EXISTS (SELECT 1 FROM inngest_runner_functions f WHERE f.id = c.function_id)",
  );
  for (const fn of functions) {
    const crons = cronsOf(fn.config);
    await q(
      "DELETE FROM inngest_runner_crons WHERE function_id = $1 AND cron NOT IN (SELECT jsonb_array_elements_text($2::jsonb))",
      [fn.id, JSON.stringify(crons)],
    );
    for (const cron of crons) {
      const next = nextCronTime(cron, now);
      if (next === null) continue;
      await q(
        "INSERT INTO inngest_runner_crons (function_id, cron, next_at) VALUES ($1, $2, $3) ON CONFLICT (function_id, cron) DO NOTHING",
        [fn.id, cron, next],
      );
    }
  }
}

/**
 * Starts a run for every cron row that is due and returns when the next one falls due (epoch ms,
 * or null). The run's event is Inngest's `inngest/scheduled.timer` with the cron in its data; its
 * id names the function and the due time, so it reads the same after a crash.
 */
export async function fireDueCrons(engine: Engine, now = Date.now()): Promise<number | null> {
  const rows = await engine.db.query<{ function_id: string; cron: string; next_at: number }>(
    "SELECT function_id, cron, next_at FROM inngest_runner_crons ORDER BY next_at LIMIT 100",
  );
  let earliest: number | null = null;
  let fired = false;
  for (const row of rows) {
    const dueAt = Number(row.next_at);
    if (dueAt > now) {
      earliest = earliest === null ? dueAt : Math.min(earliest, dueAt);
      continue;
    }
    const fn = engine.registry.get(row.function_id);
    if (!fn) continue; // a function the last sync dropped; syncCrons removes its row
    const next = nextCronTime(row.cron, now);
    const started = await engine.db.transaction(async (q) => {
      const claimed =
        next === null
          ? await q(
              "DELETE FROM inngest_runner_crons WHERE function_id = $1 AND cron = $2 AND next_at = $3 RETURNING function_id",
              [fn.id, row.cron, row.next_at],
            )
          : await q(
              "UPDATE inngest_runner_crons SET next_at = $4 WHERE function_id = $1 AND cron = $2 AND next_at = $3 RETURNING function_id",
              [fn.id, row.cron, row.next_at, next],
            );
      if (!claimed.length) return false;
      await createRun(q, engine, fn, {
        id: `cron-${fn.id}-${dueAt}`,
        name: "inngest/scheduled.timer",
        data: { cron: row.cron },
        ts: dueAt,
      });
      return true;
    });
    fired ||= started;
    if (next !== null) earliest = earliest === null ? next : Math.min(earliest, next);
  }
  if (fired) engine.wake();
  return earliest;
}
