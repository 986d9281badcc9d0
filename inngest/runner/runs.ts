import { evaluateKey, matches } from "./expression";
import { parseDuration } from "./durations";
import { ulid } from "./ids";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import type { EventPayload, OutgoingOp, Query, RunStatus } from "./types";

const DAY = 86_400_000;

/** Inserts an event and starts the runs it triggers, in the caller's transaction. */
export async function insertEvent(q: Query, engine: Engine, event: EventPayload): Promise<boolean> {
  return (await insertEvents(q, engine, [event])) > 0;
}

/**
 * Inserts events and starts the runs they trigger, in the caller's transaction and in the events'
 * order; answers how many were new. The events go in as one statement (a fan-out's 500 events were
 * 500 statements and as many round trips); the runs are then created event by event.
 */
export async function insertEvents(q: Query, engine: Engine, events: EventPayload[]): Promise<number> {
  // A repeated id is a retried send: Inngest deduplicates it, and so do we (within one send too).
  const ids = new Set<string>();
  const unique = events.filter((e) => !ids.has(e.id) && ids.add(e.id));
  const isNew = new Set<string>();
  // EVENTS_PER_INSERT at a time: a statement takes at most 65,535 parameters, and a send has no count limit.
  for (let i = 0; i < unique.length; i += EVENTS_PER_INSERT)
    for (const id of await insertEventRows(q, engine, unique.slice(i, i + EVENTS_PER_INSERT))) isNew.add(id);
  if (engine.registry.synced)
    for (const event of unique) if (isNew.has(event.id)) await triggerFunctions(q, engine, event);
  return isNew.size;
}

const EVENTS_PER_INSERT = 1000;

/** One multi-row INSERT of events (eight parameters each); answers the ids that were new. */
async function insertEventRows(q: Query, engine: Engine, events: EventPayload[]): Promise<string[]> {
  const now = Date.now();
  const synced = engine.registry.synced;
  const params: unknown[] = [];
  const rows = events.map((event) => {
    // An event nothing waits for and no cancelOn listens to is done once its runs exist, so it
    // skips the matching pass (the common case, and a third of the queries of a short run).
    const quiet = synced && engine.registry.cancelledBy(event.name).length === 0;
    params.push(
      event.id,
      event.name,
      JSON.stringify(event.data),
      event.user ? JSON.stringify(event.user) : null,
      event.ts,
      now,
      synced,
      quiet,
    );
    const p = (k: number) => `$${params.length - 8 + k}`;
    return `(${p(1)}, ${p(2)}::text, ${p(3)}::jsonb, ${p(4)}::jsonb, ${p(5)}::float8, ${p(6)}::float8, ${p(7)}::boolean,
      ${p(8)}::boolean AND NOT EXISTS (SELECT 1 FROM inngest_runner_jobs WHERE kind = 'wait' AND event_name = ${p(2)}))`;
  });
  const inserted = await q<{ id: string }>(
    `INSERT INTO inngest_runner_events (id, name, data, "user", ts, received_at, triggered, processed)
     VALUES ${rows.join(", ")}
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    params,
  );
  return inserted.map((r) => r.id);
}

export async function triggerFunctions(q: Query, engine: Engine, event: EventPayload): Promise<void> {
  for (const fn of engine.registry.triggeredBy(event.name)) {
    const triggers = fn.config.triggers.filter((t) => "event" in t && t.event === event.name);
    let hit = false;
    let failure: string | undefined;
    for (const t of triggers) {
      const expression = "expression" in t ? t.expression : undefined;
      try {
        if (!expression || matches(expression, { event })) hit = true;
      } catch (err) {
        failure = `trigger expression failed: ${(err as Error).message}`;
      }
    }
    if (hit || failure) await createRun(q, engine, fn, event, { failure });
  }
}

type CreateOptions = { parent?: { runId: string; stepId: string }; replayOf?: string; failure?: string };

/** Creates a queued run and its first call, honouring idempotency, rate limit and throttle. */
export async function createRun(
  q: Query,
  engine: Engine,
  fn: RegisteredFunction,
  event: EventPayload,
  opts: CreateOptions = {},
): Promise<string | null> {
  const now = Date.now();
  const vars = { event };
  const cfg = fn.config;
  let failure = opts.failure ?? (fn.unsupported.length ? fn.unsupported.join("; ") : undefined);
  let idempotencyKey: string | null = null;
  let rateKey: string | null = null;
  let throttleKey: string | null = null;
  let dueAt = now;
  const concurrency: Array<{ key: string; limit: number }> = [];
  try {
    if (!failure && !opts.replayOf && cfg.idempotency) {
      idempotencyKey = evaluateKey(cfg.idempotency, vars);
      const seen = await q(
        "SELECT 1 FROM inngest_runner_runs WHERE function_id = $1 AND idempotency_key = $2 AND created_at > $3 LIMIT 1",
        [fn.id, idempotencyKey, now - DAY],
      );
      if (seen.length) return null;
    }
    if (!failure && !opts.replayOf && cfg.rateLimit) {
      rateKey = cfg.rateLimit.key ? evaluateKey(cfg.rateLimit.key, vars) : "";
      const period = parseDuration(cfg.rateLimit.period) ?? 0;
      const [row] = await q<{ n: number }>(
        "SELECT count(*)::int AS n FROM inngest_runner_runs WHERE function_id = $1 AND rate_key = $2 AND created_at > $3",
        [fn.id, rateKey, now - period],
      );
      if ((row?.n ?? 0) >= cfg.rateLimit.limit) return null; // rate-limited events are skipped, as in Inngest
    }
    for (const c of [cfg.concurrency].flat()) {
      if (c === undefined) continue;
      const opt = typeof c === "number" ? { limit: c } : c;
      if (!opt.limit || opt.limit <= 0) continue;
      const value = opt.key ? evaluateKey(opt.key, vars) : "";
      const scope = opt.scope && opt.scope !== "fn" ? opt.scope : `fn:${fn.id}`;
      concurrency.push({ key: `${scope}:${opt.key ?? ""}:${value}`, limit: opt.limit });
    }
    if (!failure && cfg.throttle) {
      throttleKey = cfg.throttle.key ? evaluateKey(cfg.throttle.key, vars) : "";
      dueAt = await throttleSlot(q, fn, throttleKey, now);
    }
  } catch (err) {
    failure = `could not evaluate the function's configuration: ${(err as Error).message}`;
  }
  const id = ulid(now);
  const insertRun = q(
    `INSERT INTO inngest_runner_runs (id, function_id, event_id, event, status, concurrency, throttle_key, throttle_at,
       idempotency_key, rate_key, parent_run_id, parent_step_id, replay_of, created_at)
     VALUES ($1, $2, $3, $4::jsonb, 'queued', $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      id,
      fn.id,
      event.id,
      JSON.stringify(event),
      JSON.stringify(concurrency),
      throttleKey,
      throttleKey === null ? null : dueAt,
      idempotencyKey,
      rateKey,
      opts.parent?.runId ?? null,
      opts.parent?.stepId ?? null,
      opts.replayOf ?? null,
      now,
    ],
  );
  if (failure) {
    await insertRun;
    await finishRun(q, engine, id, "failed", {
      error: { name: "Error", message: `Embedded Inngest runner: ${failure}` },
    });
    return id;
  }
  // The run's first call goes out with the run, in order (as db/together.ts does for the app): one
  // round trip inside the caller's transaction instead of two, and a failed insert fails both.
  await Promise.all([
    insertRun,
    q("INSERT INTO inngest_runner_jobs (run_id, kind, step_id, due_at, created_at) VALUES ($1, 'call', '', $2, $3)", [
      id,
      dueAt,
      now,
    ]),
  ]);
  return id; // callers wake the scheduler after commit
}

/**
 * Throttle as a sliding window: at most `limit` (+ burst) runs start in any `period`. A run over
 * the limit is delayed to the earliest slot, never dropped. The advisory lock serialises slot
 * assignment per key when several transactions race on Postgres.
 */
async function throttleSlot(q: Query, fn: RegisteredFunction, key: string, now: number): Promise<number> {
  const t = fn.config.throttle!;
  const period = parseDuration(t.period) ?? 0;
  const limit = t.limit + (t.burst ?? 0);
  // The lock and the read leave together and run in order (one round trip): the read sees the slots
  // as they are once the lock is ours. It reads the newest slot and the limit-th newest as one row;
  // reading all `limit` slots sent up to the limit's worth of rows (600 by Kiln's default) to the
  // runner for every run it created.
  const [, [slots]] = await Promise.all([
    q("SELECT pg_advisory_xact_lock(hashtext($1))", [`inngest_runner_throttle:${fn.id}:${key}`]),
    q<{ newest: number | null; nth: number | null }>(
      `SELECT (SELECT throttle_at FROM inngest_runner_runs WHERE function_id = $1 AND throttle_key = $2
                ORDER BY throttle_at DESC LIMIT 1) AS newest,
              (SELECT throttle_at FROM inngest_runner_runs WHERE function_id = $1 AND throttle_key = $2
                ORDER BY throttle_at DESC OFFSET $3 LIMIT 1) AS nth`,
      [fn.id, key, limit - 1],
    ),
  ]);
  if (slots?.nth === null || slots?.nth === undefined) return Math.max(now, Number(slots?.newest ?? now));
  return Math.max(now, Number(slots.nth) + period);
}

/** The steps upsert for `rows` steps, nine parameters each (stepParams' order). */
function stepUpsert(rows: number): string {
  const values = Array.from({ length: rows }, (_, r) => {
    const p = (k: number) => `$${r * 9 + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::jsonb, ${p(7)}::jsonb, ${p(8)}, ${p(9)})`;
  });
  return `INSERT INTO inngest_runner_steps (run_id, step_id, name, op, status, data, error, started_at, ended_at)
  VALUES ${values.join(", ")}
  ON CONFLICT (run_id, step_id) DO UPDATE SET op = EXCLUDED.op, status = EXCLUDED.status, data = EXCLUDED.data,
    error = EXCLUDED.error, ended_at = EXCLUDED.ended_at, attempts = inngest_runner_steps.attempts + 1`;
}

const STEP_UPSERT = stepUpsert(1);

type StepRecord = {
  id: string;
  name?: string;
  op: string;
  status: "completed" | "failed" | "retrying";
  data?: unknown;
  error?: unknown;
  startedAt?: number;
  endedAt?: number;
};

function stepParams(runId: string, step: StepRecord, now: number): unknown[] {
  return [
    runId,
    step.id,
    step.name ?? null,
    step.op,
    step.status,
    step.data === undefined ? null : JSON.stringify(step.data),
    step.error === undefined ? null : JSON.stringify(step.error),
    step.startedAt ?? now,
    step.status === "retrying" ? null : (step.endedAt ?? now),
  ];
}

/**
 * When a step ran, from the SDK's timing of it when the op carries one (a step reported by a
 * checkpoint or with the run's result ended before the runner heard of it); else from `startedAt`
 * (when the call began) to now.
 */
export function stepTimes(op: OutgoingOp, startedAt: number): { startedAt: number; endedAt?: number } {
  const a = Number(op.timing?.a);
  const b = Number(op.timing?.b);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a <= 0 || b < 0) return { startedAt };
  const start = Math.round(a / 1e6);
  return { startedAt: start, endedAt: start + Math.round(b / 1e6) };
}

/** A step the SDK ran to completion (a StepRun op in an answer or a checkpoint), as stored. */
function completedStep(op: OutgoingOp, startedAt: number): StepRecord {
  return {
    id: op.id,
    name: op.displayName ?? op.name,
    op: op.op,
    status: "completed",
    data: op.data ?? null,
    ...stepTimes(op, startedAt),
  };
}

/** Memoizes a step the SDK ran to completion. */
export function recordStepRun(q: Query, runId: string, op: OutgoingOp, startedAt: number): Promise<void> {
  return recordStep(q, runId, completedStep(op, startedAt));
}

/**
 * Memoizes several steps the SDK ran to completion (a checkpoint, or the steps reported with a run's
 * result) in one statement: one round trip inside the transaction instead of one per step, while the
 * run's lock is held. Steps with the same id in one report go one at a time (an upsert touches a row
 * once per statement).
 */
export async function recordStepRuns(q: Query, runId: string, ops: OutgoingOp[], startedAt: number): Promise<void> {
  if (ops.length === 0) return;
  if (ops.length === 1 || new Set(ops.map((op) => op.id)).size !== ops.length) {
    for (const op of ops) await recordStepRun(q, runId, op, startedAt);
    return;
  }
  const now = Date.now();
  const params = ops.flatMap((op) => stepParams(runId, completedStep(op, startedAt), now));
  await q(stepUpsert(ops.length), params);
}

/** Memoizes a step's final result (or records a retrying attempt) for a run. */
export async function recordStep(q: Query, runId: string, step: StepRecord): Promise<void> {
  await q(STEP_UPSERT, stepParams(runId, step, Date.now()));
}

/**
 * The hot path of every run: memoize a step and queue the discovery call in one statement (one
 * round-trip to the database instead of two). Same effect as recordStep + ensureDiscovery.
 */
export async function recordStepAndDiscover(q: Query, runId: string, step: StepRecord): Promise<number | undefined> {
  const now = Date.now();
  const [row] = await q<{ id: number }>(
    `WITH s AS (${STEP_UPSERT} RETURNING 1)
     INSERT INTO inngest_runner_jobs (run_id, kind, step_id, due_at, created_at)
     SELECT $1, 'call', '', $9, $9 FROM s WHERE NOT EXISTS (SELECT 1 FROM inngest_runner_jobs WHERE run_id = $1 AND kind = 'call')
     ON CONFLICT DO NOTHING RETURNING id`,
    stepParams(runId, step, now),
  );
  return row ? Number(row.id) : undefined;
}

/**
 * After progress, ask the SDK what comes next, unless a call for this run is already queued.
 * Returns the new call's id when this transaction queued it (the scheduler may start it at once).
 */
export async function ensureDiscovery(q: Query, _engine: Engine, runId: string): Promise<number | undefined> {
  const now = Date.now();
  const [row] = await q<{ id: number }>(
    `INSERT INTO inngest_runner_jobs (run_id, kind, step_id, due_at, created_at)
     SELECT $1, 'call', '', $2, $2 WHERE NOT EXISTS (SELECT 1 FROM inngest_runner_jobs WHERE run_id = $1 AND kind = 'call')
     ON CONFLICT DO NOTHING RETURNING id`,
    [runId, now],
  );
  return row ? Number(row.id) : undefined;
}

type RunRow = {
  id: string;
  function_id: string;
  event: EventPayload;
  status: RunStatus;
  parent_run_id: string | null;
  parent_step_id: string | null;
};

/**
 * Ends a run: stores its outcome, drops its pending work, resumes an invoking parent and, on
 * failure, emits inngest/function.failed (which is what triggers onFailure handlers).
 */
export async function finishRun(
  q: Query,
  engine: Engine,
  runId: string,
  status: "completed" | "failed" | "cancelled",
  outcome: { output?: unknown; error?: unknown },
  /** The SDK's execution version, when the call that ends the run reported one (stored with the end). */
  version?: number,
): Promise<boolean> {
  const now = Date.now();
  const ended = q<RunRow>(
    `UPDATE inngest_runner_runs SET status = $2, output = $3::jsonb, error = $4::jsonb, ended_at = $5,
       version = coalesce($6, version)
     WHERE id = $1 AND status NOT IN ('completed', 'failed', 'cancelled')
     RETURNING id, function_id, event, status, parent_run_id, parent_step_id`,
    [
      runId,
      status,
      outcome.output === undefined ? null : JSON.stringify(outcome.output),
      outcome.error === undefined ? null : JSON.stringify(outcome.error),
      now,
      version ?? null,
    ],
  );
  // Sent with the update, not after its reply (one round trip less while the database is held). A
  // run that had already ended has no jobs left (they went with its end), so deleting is harmless.
  const dropped = q("DELETE FROM inngest_runner_jobs WHERE run_id = $1", [runId]);
  const [[run]] = await Promise.all([ended, dropped]);
  if (!run) return false;
  if (run.parent_run_id && run.parent_step_id) {
    const claimed = await q(
      "DELETE FROM inngest_runner_jobs WHERE run_id = $1 AND kind = 'invoke' AND step_id = $2 RETURNING id",
      [run.parent_run_id, run.parent_step_id],
    );
    if (claimed.length) {
      const error =
        status === "completed"
          ? undefined
          : (outcome.error ?? { name: "Error", message: `invoked function run ${runId} was ${status}` });
      await recordStep(q, run.parent_run_id, {
        id: run.parent_step_id,
        op: "InvokeFunction",
        status: error ? "failed" : "completed",
        data: error ? undefined : (outcome.output ?? null),
        error,
      });
      await ensureDiscovery(q, engine, run.parent_run_id);
    }
  }
  if (status !== "completed") {
    const name = status === "failed" ? "inngest/function.failed" : "inngest/function.cancelled";
    await insertEvent(q, engine, {
      id: ulid(now),
      name,
      data: { function_id: run.function_id, run_id: run.id, error: outcome.error ?? null, event: run.event },
      ts: now,
    });
    engine.wakeEvents();
  }
  return true;
}
