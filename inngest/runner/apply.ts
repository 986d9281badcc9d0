import { compile } from "./expression";
import { backoffDelay, parseDuration, sleepTarget } from "./durations";
import { ulid } from "./ids";
import {
  createRun,
  ensureDiscovery,
  finishRun,
  recordStep,
  recordStepAndDiscover,
  recordStepRun,
  recordStepRuns,
  stepTimes,
} from "./runs";
import type { CallJob, CallOutcome, RunForCall } from "./call";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import type { OutgoingOp, Query, SerializedError } from "./types";

/** Ops the runner understands; anything else fails the run loudly (see unsupported()). */
const STEP_DONE = new Set(["StepRun", "Step"]);

/** Locks the run (so a cancel cannot interleave) and claims the job in one statement; no row when the job is stale. */
function claimJob(q: Query, job: CallJob, run: RunForCall) {
  return q(
    `WITH r AS (SELECT id FROM inngest_runner_runs WHERE id = $2 AND status NOT IN ('completed', 'failed', 'cancelled') FOR UPDATE)
     DELETE FROM inngest_runner_jobs j USING r WHERE j.id = $1 AND j.run_id = r.id RETURNING j.id`,
    [job.id, run.id],
  );
}

/** Records the SDK's execution version when the call reported a new one. */
function recordVersion(q: Query, run: RunForCall, outcome: CallOutcome) {
  return outcome.version && outcome.version !== run.version
    ? q("UPDATE inngest_runner_runs SET version = $2 WHERE id = $1", [run.id, outcome.version])
    : Promise.resolve([]);
}

/** Counts an attempt of the run and queues its call again: when the app asked, else after a backoff. */
async function retryCall(q: Query, engine: Engine, job: CallJob, retryAt: number | null, now: number): Promise<void> {
  await q("UPDATE inngest_runner_runs SET attempts = attempts + 1 WHERE id = $1", [job.run_id]);
  await requeue(q, job, job.attempt + 1, retryAt ?? now + backoffDelay(engine.backoff, job.attempt), null);
}

/**
 * Checkpointing (see buildRequest): the steps the SDK ran since its last checkpoint, then the run's
 * result. Undefined when the ops hold anything else beside the result (applyOutcome fails that run).
 */
function runCompleteOf(ops: OutgoingOp[]): OutgoingOp | undefined {
  const complete = ops.find((op) => op.op === "RunComplete");
  return complete && ops.every((op) => op === complete || STEP_DONE.has(op.op)) ? complete : undefined;
}

/** Thrown inside applyRunComplete's transaction to roll back what was sent with a claim that found the job stale. */
const STALE = Symbol("stale job");

/**
 * The common end of a checkpointed run, its last steps and its result in one call: nothing is left to
 * ask the app, so the run ends here. Every statement is sent with the job's claim, started in order (as
 * db/together.ts does for the app), and all of it is rolled back when the claim finds the job stale.
 */
async function applyRunComplete(
  engine: Engine,
  job: CallJob,
  run: RunForCall,
  outcome: CallOutcome & { kind: "ops" },
  complete: OutgoingOp,
  startedAt: number,
): Promise<void> {
  await engine.db
    .transaction(async (q) => {
      const [claimed] = await Promise.all([
        claimJob(q, job, run),
        recordStepRuns(
          q,
          run.id,
          outcome.ops.filter((op) => op !== complete),
          startedAt,
        ),
        finishRun(q, engine, run.id, "completed", { output: complete.data ?? null }, outcome.version),
      ]);
      if (!claimed.length) throw STALE;
    })
    .catch((error: unknown) => {
      if (error !== STALE) throw error;
    });
}

async function requeue(q: Query, job: CallJob, attempt: number, dueAt: number, payload: unknown): Promise<void> {
  await q(
    `INSERT INTO inngest_runner_jobs (run_id, kind, step_id, attempt, due_at, payload, created_at)
     VALUES ($1, 'call', $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING`,
    [job.run_id, job.step_id, attempt, dueAt, JSON.stringify(payload ?? null), Date.now()],
  );
}

/**
 * Applies one call's outcome to the run in a single transaction; a stale or cancelled job is
 * dropped. Returns the id of the discovery call it queued, if any, so the scheduler can start it
 * without waiting for its next read.
 */
export async function applyOutcome(
  engine: Engine,
  job: CallJob,
  run: RunForCall,
  fn: RegisteredFunction,
  outcome: CallOutcome,
  startedAt = Date.now(),
): Promise<number | undefined> {
  const complete = outcome.kind === "ops" ? runCompleteOf(outcome.ops) : undefined;
  if (outcome.kind === "ops" && complete) {
    await applyRunComplete(engine, job, run, outcome, complete, startedAt);
    engine.wake();
    return undefined;
  }
  const next = await engine.db.transaction(async (q): Promise<number | undefined> => {
    const claimed = await claimJob(q, job, run);
    if (!claimed.length) return;
    await recordVersion(q, run, outcome);
    const now = Date.now();
    const retryable = job.attempt + 1 < fn.maxAttempts;
    if (outcome.kind === "complete") {
      await finishRun(q, engine, run.id, "completed", { output: outcome.output });
      return;
    }
    if (outcome.kind === "error") {
      if (!outcome.countsAttempt) {
        const net = (job.payload?.net ?? 0) + 1;
        engine.logger.warn(`[inngest-runner] run ${run.id}: ${outcome.error.message}; retrying`);
        await requeue(q, job, job.attempt, now + backoffDelay(engine.backoff, Math.min(net, 10)), { net });
      } else if (outcome.retriable && retryable) {
        await retryCall(q, engine, job, outcome.retryAt, now);
      } else {
        await finishRun(q, engine, run.id, "failed", { error: outcome.error });
      }
      return;
    }
    const only = outcome.ops.length === 1 ? outcome.ops[0]! : undefined;
    if (only && STEP_DONE.has(only.op)) {
      const name = only.displayName ?? only.name;
      return recordStepAndDiscover(q, run.id, {
        id: only.id,
        name,
        op: only.op,
        status: "completed",
        data: only.data ?? null,
        ...stepTimes(only, startedAt),
      });
    }
    // A run's result with an op other than finished steps beside it (applyRunComplete takes the rest).
    const result = outcome.ops.find((op) => op.op === "RunComplete");
    if (result) {
      const other = outcome.ops.find((op) => op !== result && !STEP_DONE.has(op.op));
      return fail(q, engine, run.id, `the app asked for the op "${other?.op}" alongside the run's result`);
    }
    let progressed = false;
    let scheduled = false;
    // Only ops that start new work can be rediscoveries of pending work; skip the read otherwise.
    const known = outcome.ops.every((op) => STEP_DONE.has(op.op) || op.op === "StepFailed" || op.op === "StepError")
      ? new Set<string>()
      : new Set(
          (
            await q<{ k: string }>(
              "SELECT step_id AS k FROM inngest_runner_steps WHERE run_id = $1 AND status <> 'retrying' UNION SELECT step_id FROM inngest_runner_jobs WHERE run_id = $1",
              [run.id],
            )
          ).map((r) => r.k),
        );
    for (const op of outcome.ops) {
      const name = op.displayName ?? op.name;
      if (STEP_DONE.has(op.op)) {
        await recordStepRun(q, run.id, op, startedAt);
        progressed = true;
      } else if (op.op === "StepFailed" || op.op === "StepError") {
        const failed = op.op === "StepFailed" || outcome.noRetry || !retryable;
        await recordStep(q, run.id, {
          id: op.id,
          name,
          op: op.op,
          status: failed ? "failed" : "retrying",
          error: op.error ?? op.data,
          startedAt,
        });
        if (failed) progressed = true;
        else {
          await retryCall(q, engine, job, outcome.retryAt, now);
          scheduled = true;
        }
      } else if (known.has(op.id)) {
        continue; // already memoized or pending: a rediscovered parallel op
      } else if (op.op === "StepPlanned") {
        await q(
          "INSERT INTO inngest_runner_jobs (run_id, kind, step_id, name, due_at, created_at) VALUES ($1, 'call', $2, $3, $4, $4) ON CONFLICT DO NOTHING",
          [run.id, op.id, name ?? null, now],
        );
      } else if (op.op === "Sleep") {
        const error = await timerJob(q, run.id, op, "sleep", () => sleepTarget(op.name ?? "", now), {});
        if (error) return fail(q, engine, run.id, error);
      } else if (op.op === "WaitForEvent") {
        const error = await timerJob(q, run.id, op, "wait", () => waitDue(op, now), {
          event_name: op.name,
          expression: op.opts?.if ?? null,
        });
        if (error) return fail(q, engine, run.id, error);
      } else if (op.op === "InvokeFunction") {
        await invoke(q, engine, run.id, op, now);
        progressed ||=
          (await q("SELECT 1 FROM inngest_runner_steps WHERE run_id = $1 AND step_id = $2", [run.id, op.id])).length >
          0;
      } else {
        return fail(
          q,
          engine,
          run.id,
          `the app asked for the op "${op.op}" (step "${name ?? op.id}"), which the embedded Inngest runner does not support`,
        );
      }
      known.add(op.id);
      if (!STEP_DONE.has(op.op) && op.op !== "StepFailed") scheduled = true;
    }
    const discovery = progressed ? await ensureDiscovery(q, engine, run.id) : undefined;
    if (progressed || scheduled) return discovery;
    const [pending] = await q<{ n: number }>("SELECT count(*)::int AS n FROM inngest_runner_jobs WHERE run_id = $1", [
      run.id,
    ]);
    if (!pending?.n)
      await fail(q, engine, run.id, "the app reported no further work for this run, yet it did not complete");
    return undefined;
  });
  // A returned call is started by the scheduler's fast path, which wakes itself if it cannot.
  if (next === undefined) engine.wake();
  return next;
}

function fail(q: Query, engine: Engine, runId: string, message: string) {
  return finishRun(q, engine, runId, "failed", {
    error: { name: "Error", message: `Embedded Inngest runner: ${message}` } satisfies SerializedError,
  }).then(() => undefined);
}

function waitDue(op: OutgoingOp, now: number): number {
  if (op.opts?.if) compile(String(op.opts.if)); // unsupported syntax fails the run now, not at match time
  const timeout = parseDuration(String(op.opts?.timeout ?? ""));
  if (timeout === null) throw new Error(`cannot parse waitForEvent timeout "${String(op.opts?.timeout)}"`);
  return now + timeout;
}

async function timerJob(
  q: Query,
  runId: string,
  op: OutgoingOp,
  kind: string,
  due: () => number,
  extra: { event_name?: string; expression?: unknown },
): Promise<string | null> {
  let dueAt: number;
  try {
    dueAt = due();
  } catch (err) {
    return `step "${op.displayName ?? op.id}": ${(err as Error).message}`;
  }
  await q(
    `INSERT INTO inngest_runner_jobs (run_id, kind, step_id, name, due_at, event_name, expression, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [
      runId,
      kind,
      op.id,
      op.displayName ?? op.name ?? null,
      dueAt,
      extra.event_name ?? null,
      extra.expression ?? null,
      Date.now(),
    ],
  );
  return null;
}

/** step.invoke: start the child run now; the parent resumes when it ends (see finishRun). */
async function invoke(q: Query, engine: Engine, runId: string, op: OutgoingOp, now: number): Promise<void> {
  const fnId = String(op.opts?.function_id ?? "");
  const target = engine.registry.get(fnId);
  const name = op.displayName ?? op.name;
  if (!target) {
    const error = {
      name: "Error",
      message: `step.invoke: function "${fnId}" is not registered with the embedded runner`,
    };
    await recordStep(q, runId, { id: op.id, name, op: op.op, status: "failed", error });
    return;
  }
  const timeout = op.opts?.timeout ? parseDuration(String(op.opts.timeout)) : null;
  await q(
    "INSERT INTO inngest_runner_jobs (run_id, kind, step_id, name, due_at, created_at) VALUES ($1, 'invoke', $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    [runId, op.id, name ?? null, timeout === null ? null : now + timeout, now],
  );
  const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown>; user?: Record<string, unknown> };
  await createRun(
    q,
    engine,
    target,
    {
      id: ulid(now),
      name: "inngest/function.invoked",
      data: payload.data ?? {},
      ...(payload.user ? { user: payload.user } : {}),
      ts: now,
    },
    { parent: { runId, stepId: op.id } },
  );
}
