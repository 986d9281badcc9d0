import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRun } from "./admin";
import { applyOutcome } from "./apply";
import type { CallOutcome } from "./call";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import { startRunner } from "./index";
import { recordStep, recordStepRuns } from "./runs";
import { hashSigningKey } from "./signing";
import { createHarness, silent, trigger } from "./test-harness";

/**
 * The runner's checkpoint route (POST /v1/checkpoint/:runId/async): the SDK reports steps it ran
 * inside a call. Only the run's call in flight may report; anything else is refused and loses nothing.
 */
let h: Awaited<ReturnType<typeof createHarness>>;
let releaseA: (() => void) | undefined;
const ran: string[] = [];

beforeAll(async () => {
  h = await createHarness({
    appId: "cpr",
    client: { checkpointing: true },
    functions: (inngest) => [
      inngest.createFunction({ id: "held", retries: 0, triggers: [{ event: "t/held" }] }, async ({ step }) => {
        await step.run("a", async () => {
          ran.push("a");
          await new Promise<void>((r) => (releaseA = r));
          return "A";
        });
        await step.run("b", () => (ran.push("b"), "B"));
        return "done";
      }),
    ],
  });
});
afterAll(() => h?.close());

const checkpoint = (runId: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.runnerUrl}/v1/checkpoint/${runId}/async`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const step = { id: "x", op: "StepRun", name: "x", data: 1 };

describe("the checkpoint route", () => {
  it("refuses bodies that are not a checkpoint of finished steps, with a clear error", async () => {
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /not valid JSON/],
      [{ run_id: "r", qi_id: "not-a-number", steps: [] }, /qi_id/],
      [{ run_id: "r", qi_id: "1", steps: [{ ...step, op: "Sleep" }] }, /invalid checkpoint/],
      [{ run_id: "r", qi_id: "1" }, /invalid checkpoint/],
    ];
    for (const [body, message] of cases) {
      const res = await checkpoint("r", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
  });

  it("answers 409 for a run or call it does not know, and records nothing", async () => {
    const res = await checkpoint("nope", { run_id: "nope", qi_id: "123", steps: [step] });
    expect(res.status).toBe(409);
    const rows = await h.db.query("SELECT 1 FROM inngest_runner_steps WHERE run_id = 'nope'");
    expect(rows).toEqual([]);
  });

  it("stops a call whose run was cancelled meanwhile: its checkpoint is refused and no later step runs", async () => {
    const runId = await trigger(h, "cpr-held", { name: "t/held" });
    await h.waitFor(async () => releaseA !== undefined);
    expect(await cancelRun({ db: h.db, runId })).toBe(true);
    releaseA!();
    // The SDK's checkpoint of "a" gets 409 (a stale dispatch) and it halts before "b".
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ran).toEqual(["a"]);
    const run = await h.finished(runId);
    expect(run.status).toBe("cancelled");
    expect(await h.db.query("SELECT 1 FROM inngest_runner_steps WHERE run_id = $1", [runId])).toEqual([]);
  });

  it("with a signing key, takes only calls that carry its hash", async () => {
    const key = `signkey-test-${"ab".repeat(32)}`;
    const runner = await startRunner({
      db: h.db,
      port: 0,
      appUrl: "http://127.0.0.1:9/api/inngest",
      signingKey: key,
      logger: silent,
      standby: true,
    });
    try {
      const body = JSON.stringify({ run_id: "r", qi_id: "1", steps: [] });
      const post = (auth?: string) =>
        fetch(`${runner.url}/v1/checkpoint/r/async`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
          body,
        });
      expect((await post()).status).toBe(401);
      expect((await post("Bearer wrong")).status).toBe(401);
      expect((await post(`Bearer ${hashSigningKey(key)}`)).status).toBe(200);
    } finally {
      await runner.close();
    }
  });
});

describe("recording the steps of one report", () => {
  const stepsOf = (runId: string) =>
    h.db.query<{
      step_id: string;
      status: string;
      data: unknown;
      attempts: number;
      started_at: number;
      ended_at: number;
    }>(
      "SELECT step_id, status, data, attempts, started_at, ended_at FROM inngest_runner_steps WHERE run_id = $1 ORDER BY seq",
      [runId],
    );
  const newRun = async (id: string) => {
    await h.db.query(
      "INSERT INTO inngest_runner_runs (id, function_id, event, status, created_at) VALUES ($1, 'cpr-held', '{}'::jsonb, 'running', $2)",
      [id, Date.now()],
    );
    return id;
  };

  it("writes several steps in one statement, in report order, with their data and the SDK's timings", async () => {
    const runId = await newRun("multi-1");
    await recordStep(h.db.query, runId, { id: "b", op: "StepRun", status: "retrying", error: { message: "x" } });
    await recordStepRuns(
      h.db.query,
      runId,
      [
        { id: "a", op: "StepRun", name: "first", data: { n: 1 }, timing: { a: 2_000_000_000, b: 5_000_000 } },
        { id: "b", op: "StepRun", displayName: "second", data: "two" },
        { id: "c", op: "StepRun", data: null },
      ],
      1_000,
    );
    const rows = await stepsOf(runId);
    expect(rows.map((r) => [r.step_id, r.status, r.data])).toEqual([
      ["b", "completed", "two"],
      ["a", "completed", { n: 1 }],
      ["c", "completed", null],
    ]);
    // The earlier retrying attempt of "b" counts; "a" keeps the SDK's own start and duration.
    expect(rows.find((r) => r.step_id === "b")!.attempts).toBe(2);
    const a = rows.find((r) => r.step_id === "a")!;
    expect([Number(a.started_at), Number(a.ended_at)]).toEqual([2_000, 2_005]);
  });

  it("takes a report that names one step twice one step at a time (an upsert touches a row once)", async () => {
    const runId = await newRun("multi-2");
    await recordStepRuns(
      h.db.query,
      runId,
      [
        { id: "a", op: "StepRun", data: 1 },
        { id: "a", op: "StepRun", data: 2 },
      ],
      1_000,
    );
    const rows = await stepsOf(runId);
    expect(rows.map((r) => [r.step_id, r.data, r.attempts])).toEqual([["a", 2, 2]]);
  });
});

describe("applying a run's result reported with its last steps", () => {
  const engine = () =>
    ({
      db: h.db,
      logger: silent,
      backoff: { baseMs: 10, maxMs: 100 },
      wake: () => undefined,
      wakeEvents: () => undefined,
    }) as unknown as Engine;
  const outcome: CallOutcome = {
    kind: "ops",
    ops: [
      { id: "last", op: "StepRun", data: "L" },
      { id: "result", op: "RunComplete", data: { ok: true } },
    ],
    noRetry: false,
    retryAt: null,
  };
  const runWithCall = async (id: string) => {
    await h.db.query(
      "INSERT INTO inngest_runner_runs (id, function_id, event, status, created_at) VALUES ($1, 'cpr-held', '{}'::jsonb, 'running', $2)",
      [id, Date.now()],
    );
    const [job] = await h.db.query<{ id: number }>(
      "INSERT INTO inngest_runner_jobs (run_id, kind, step_id, due_at, created_at) VALUES ($1, 'call', '', $2, $2) RETURNING id",
      [id, Date.now()],
    );
    return {
      job: { id: Number(job!.id), run_id: id, step_id: "", attempt: 0, payload: null },
      run: {
        id,
        function_id: "cpr-held",
        event: { id: "e1", name: "t/held", data: {}, ts: 1 },
        status: "running" as const,
        version: 2,
      },
    };
  };
  const stateOf = async (id: string) => ({
    status: (await h.db.query<{ status: string }>("SELECT status FROM inngest_runner_runs WHERE id = $1", [id]))[0]
      ?.status,
    steps: (
      await h.db.query<{ step_id: string }>("SELECT step_id FROM inngest_runner_steps WHERE run_id = $1", [id])
    ).map((r) => r.step_id),
    jobs: (await h.db.query("SELECT id FROM inngest_runner_jobs WHERE run_id = $1", [id])).length,
  });
  const fn = { maxAttempts: 1 } as RegisteredFunction;

  it("records the steps and ends the run in one transaction, its statements sent with the job's claim", async () => {
    const { job, run } = await runWithCall("result-1");
    expect(await applyOutcome(engine(), job, run, fn, outcome)).toBeUndefined();
    expect(await stateOf("result-1")).toEqual({ status: "completed", steps: ["last"], jobs: 0 });
  });

  it("rolls all of it back when the call is stale (its job was claimed already): the run goes on", async () => {
    const { job, run } = await runWithCall("result-2");
    await h.db.query("DELETE FROM inngest_runner_jobs WHERE id = $1", [job.id]);
    await h.db.query(
      "INSERT INTO inngest_runner_jobs (run_id, kind, step_id, due_at, created_at) VALUES ($1, 'call', '', $2, $2)",
      ["result-2", Date.now()],
    );
    expect(await applyOutcome(engine(), job, run, fn, outcome)).toBeUndefined();
    expect(await stateOf("result-2")).toEqual({ status: "running", steps: [], jobs: 1 });
  });
});
