import { liveEngines, TERMINAL, type Engine } from "./engine";
import { Registry } from "./registry";
import { createRun, finishRun } from "./runs";
import type { EventPayload, RunStatus, RunnerDb } from "./types";

/**
 * Read and admin calls for the app's "Runs" page. They take the same `db` as startRunner and
 * work whether or not a runner is running in this process (if one is, it is nudged at once).
 */
export type RunSummary = {
  id: string;
  functionId: string;
  functionName: string;
  status: RunStatus;
  eventName: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  /** 1 + every retry the run needed, across all its steps. */
  attempts: number;
  replayOf: string | null;
};

export type StepSummary = {
  id: string;
  name: string | null;
  op: string;
  /** completed / failed are final; retrying, sleeping, waiting, invoking, queued are in progress. */
  status: string;
  attempts: number;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  output: unknown;
  error: unknown;
};

export type RunDetail = RunSummary & { event: EventPayload; output: unknown; error: unknown; steps: StepSummary[] };

type Row = {
  id: string;
  function_id: string;
  name: string | null;
  status: RunStatus;
  event: EventPayload;
  output: unknown;
  error: unknown;
  attempts: number;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  replay_of: string | null;
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function summary(r: Row): RunSummary {
  const startedAt = num(r.started_at);
  const endedAt = num(r.ended_at);
  return {
    id: r.id,
    functionId: r.function_id,
    functionName: r.name ?? r.function_id,
    status: r.status,
    eventName: r.event?.name ?? "",
    createdAt: Number(r.created_at),
    startedAt,
    endedAt,
    durationMs: startedAt !== null ? (endedAt ?? Date.now()) - startedAt : null,
    attempts: 1 + Number(r.attempts),
    replayOf: r.replay_of,
  };
}

const SELECT = `SELECT r.id, r.function_id, f.name, r.status, r.event, r.output, r.error, r.attempts, r.created_at, r.started_at,
  r.ended_at, r.replay_of FROM inngest_runner_runs r LEFT JOIN inngest_runner_functions f ON f.id = r.function_id`;

/** Newest first. `before` is a createdAt (ms) cursor from the previous page's last row. */
export async function listRuns({
  db,
  status,
  functionId,
  limit = 50,
  before,
}: {
  db: RunnerDb;
  status?: RunStatus;
  functionId?: string;
  limit?: number;
  before?: number;
}): Promise<RunSummary[]> {
  const rows = await db.query<Row>(
    `${SELECT} WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.function_id = $2)
     AND ($3::float8 IS NULL OR r.created_at < $3) ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
    [status ?? null, functionId ?? null, before ?? null, Math.min(Math.max(limit, 1), 500)],
  );
  return rows.map(summary);
}

/** One run with its step timeline (final steps, then what is still pending); null when unknown. */
export async function getRun({ db, runId }: { db: RunnerDb; runId: string }): Promise<RunDetail | null> {
  const [row] = await db.query<Row>(`${SELECT} WHERE r.id = $1`, [runId]);
  if (!row) return null;
  const steps = await db.query<{
    step_id: string;
    name: string | null;
    op: string;
    status: string;
    attempts: number;
    started_at: number;
    ended_at: number | null;
    data: unknown;
    error: unknown;
  }>(
    "SELECT step_id, name, op, status, attempts, started_at, ended_at, data, error FROM inngest_runner_steps WHERE run_id = $1 ORDER BY seq",
    [runId],
  );
  const jobs = await db.query<{
    kind: string;
    step_id: string;
    name: string | null;
    created_at: number;
    attempt: number;
  }>("SELECT kind, step_id, name, created_at, attempt FROM inngest_runner_jobs WHERE run_id = $1 ORDER BY id", [runId]);
  const timeline: StepSummary[] = steps.map((s) => ({
    id: s.step_id,
    name: s.name,
    op: s.op,
    status: s.status,
    attempts: Number(s.attempts),
    startedAt: Number(s.started_at),
    endedAt: num(s.ended_at),
    durationMs: s.ended_at === null ? null : Number(s.ended_at) - Number(s.started_at),
    output: s.data,
    error: s.error,
  }));
  const pendingStatus: Record<string, string> = {
    sleep: "sleeping",
    wait: "waiting",
    invoke: "invoking",
    call: "queued",
  };
  for (const j of jobs) {
    if (j.kind === "call" && (j.step_id === "" || steps.some((s) => s.step_id === j.step_id))) continue;
    timeline.push({
      id: j.step_id,
      name: j.name,
      op: j.kind,
      status: pendingStatus[j.kind] ?? j.kind,
      attempts: j.attempt + 1,
      startedAt: Number(j.created_at),
      endedAt: null,
      durationMs: null,
      output: null,
      error: null,
    });
  }
  return { ...summary(row), event: row.event, output: row.output, error: row.error, steps: timeline };
}

async function engineFor(db: RunnerDb): Promise<Engine> {
  for (const e of liveEngines) if (e.db === db || e.db.query === db.query) return e;
  const registry = new Registry(console);
  await registry.load(db.query);
  return { db, registry, logger: console, backoff: { baseMs: 1_000, maxMs: 300_000 }, wake() {}, wakeEvents() {} };
}

/** Cancels a queued or running run. Returns false when it had already ended or does not exist. */
export async function cancelRun({
  db,
  runId,
  reason,
}: {
  db: RunnerDb;
  runId: string;
  reason?: string;
}): Promise<boolean> {
  const engine = await engineFor(db);
  const done = await db.transaction(async (q) => {
    await q("SELECT id FROM inngest_runner_runs WHERE id = $1 FOR UPDATE", [runId]);
    return finishRun(q, engine, runId, "cancelled", {
      error: { name: "Cancelled", message: reason ?? "cancelled from the runs page" },
    });
  });
  engine.wake();
  return done;
}

/** Starts a new run of the same function with the same event; the old run is kept. Returns the new id. */
export async function replayRun({ db, runId }: { db: RunnerDb; runId: string }): Promise<string> {
  const engine = await engineFor(db);
  const id = await db.transaction(async (q) => {
    const [run] = await q<{ function_id: string; event: EventPayload; status: string }>(
      "SELECT function_id, event, status FROM inngest_runner_runs WHERE id = $1",
      [runId],
    );
    if (!run) throw new Error(`run ${runId} does not exist`);
    if (!TERMINAL.includes(run.status) || run.status === "completed")
      throw new Error(`run ${runId} is ${run.status}; only failed or cancelled runs can be replayed`);
    const fn = engine.registry.get(run.function_id);
    if (!fn) throw new Error(`function "${run.function_id}" is not registered any more; sync the app first`);
    return createRun(q, engine, fn, run.event, { replayOf: runId });
  });
  engine.wake();
  if (!id) throw new Error(`run ${runId} could not be replayed`);
  return id;
}
