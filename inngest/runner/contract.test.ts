/**
 * Contract with the pinned inngest SDK: the exact request/response shapes the runner relies on.
 * If an SDK upgrade changes the protocol, this file fails first and says where.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, NonRetriableError, referenceFunction, version } from "inngest";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "./signing";
import { createHarness, silent, trigger } from "./test-harness";

const PINNED = "4.24.0";
let server: http.Server;
let url = "";
let runnerHits: string[] = [];
let fakeRunner: http.Server;

beforeAll(async () => {
  // A stand-in for the runner's API that records what the SDK calls (e.g. checkpoint endpoints).
  fakeRunner = http.createServer((req, res) => {
    runnerHits.push(`${req.method} ${req.url}`);
    res.writeHead(501, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => fakeRunner.listen(0, "127.0.0.1", r));
  const inngest = new Inngest({
    id: "contract",
    isDev: true,
    baseUrl: `http://127.0.0.1:${(fakeRunner.address() as AddressInfo).port}`,
    logger: silent,
  });
  const fns = [
    inngest.createFunction({ id: "shapes", retries: 2, triggers: [{ event: "t/shapes" }] }, async ({ step }) => {
      await step.run("a", () => "A");
      await Promise.all([step.run("p", () => 1), step.run("q", () => 2)]);
      await step.sleep("nap", "2m");
      await step.waitForEvent("w", { event: "t/w", timeout: "1h", if: "async.data.id == event.data.id" });
      await step.invoke("inv", { function: referenceFunction({ functionId: "other" }), data: { x: 1 } });
      await step.run("boom", () => {
        throw new Error("boom");
      });
      return "end";
    }),
    inngest.createFunction({ id: "fails", triggers: [{ event: "t/fails" }] }, async ({ event }) => {
      if ((event.data as { hard?: boolean }).hard) throw new NonRetriableError("hard");
      throw new Error("soft");
    }),
  ];
  server = http.createServer(serve({ client: inngest, functions: fns }) as http.RequestListener);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
});

afterAll(async () => {
  server?.close();
  fakeRunner?.close();
});

const event = { id: "e1", name: "t/shapes", data: { id: "x" }, ts: 1 };
async function call(
  fnId: string,
  steps: Record<string, unknown>,
  extra: { stepId?: string; attempt?: number; ctx?: Record<string, unknown>; ev?: unknown } = {},
) {
  const body = canonicalJson({
    event: extra.ev ?? event,
    events: [extra.ev ?? event],
    steps,
    version: 2,
    ctx: {
      run_id: "run-1",
      attempt: extra.attempt ?? 0,
      max_attempts: 3,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
      ...extra.ctx,
    },
  });
  const res = await fetch(`${url}?fnId=${fnId}&stepId=${extra.stepId ?? "step"}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { res, body: JSON.parse(await res.text()) };
}

describe("inngest SDK contract", () => {
  it("is the pinned SDK version", () => {
    const pkg = JSON.parse(readFileSync("node_modules/inngest/package.json", "utf8")) as { version: string };
    expect(pkg.version).toBe(PINNED);
    expect(version).toBe(PINNED);
  });

  it("answers an in-band sync with its function configs", async () => {
    const res = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
      body: JSON.stringify({ url }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-inngest-sync-kind")).toBe("in_band");
    expect(res.headers.get("x-inngest-sdk")).toBe(`inngest-js:v${PINNED}`);
    const body = (await res.json()) as {
      app_id: string;
      sdk: string;
      url: string;
      functions: Array<Record<string, unknown>>;
    };
    expect(body).toMatchObject({ app_id: "contract", sdk: `js:v${PINNED}`, url });
    expect(body.functions[0]).toEqual({
      id: "contract-shapes",
      name: "shapes",
      triggers: [{ event: "t/shapes" }],
      steps: {
        step: {
          id: "step",
          name: "step",
          runtime: { type: "http", url: `${url}?fnId=contract-shapes&stepId=step` },
          retries: { attempts: 2 },
        },
      },
    });
  });

  it("speaks execution version 2 with the ops the runner handles", async () => {
    const first = await call("contract-shapes", {});
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get("x-inngest-req-version")).toBe("2");
    expect(first.res.headers.get("x-inngest-sdk")).toBe(`inngest-js:v${PINNED}`);
    expect(first.body).toEqual([
      expect.objectContaining({ op: "StepRun", displayName: "a", data: "A", id: expect.any(String) }),
    ]);
    const steps: Record<string, unknown> = { [first.body[0].id]: { type: "data", data: "A" } };

    const planned = await call("contract-shapes", steps);
    expect(planned.body.map((o: { op: string; displayName: string }) => [o.op, o.displayName])).toEqual([
      ["StepPlanned", "p"],
      ["StepPlanned", "q"],
    ]);
    for (const op of planned.body) {
      const ran = await call("contract-shapes", steps, { stepId: op.id });
      expect(ran.body).toEqual([expect.objectContaining({ op: "StepRun", id: op.id })]);
      steps[op.id] = { type: "data", data: ran.body[0].data };
    }

    const sleep = await call("contract-shapes", steps);
    expect(sleep.body).toEqual([expect.objectContaining({ op: "Sleep", name: "2m", displayName: "nap" })]);
    steps[sleep.body[0].id] = null;

    const wait = await call("contract-shapes", steps);
    expect(wait.body).toEqual([
      expect.objectContaining({
        op: "WaitForEvent",
        name: "t/w",
        opts: { timeout: "1h", if: "async.data.id == event.data.id" },
      }),
    ]);
    steps[wait.body[0].id] = { name: "t/w", data: { id: "x" } };

    const invoke = await call("contract-shapes", steps);
    expect(invoke.body).toEqual([
      expect.objectContaining({
        op: "InvokeFunction",
        opts: expect.objectContaining({ function_id: "contract-other", payload: { data: { x: 1 } } }),
      }),
    ]);
    steps[invoke.body[0].id] = { type: "data", data: "child" };

    const retriable = await call("contract-shapes", steps);
    expect(retriable.res.headers.get("x-inngest-no-retry")).toBe("false");
    expect(retriable.body).toEqual([
      expect.objectContaining({ op: "StepError", error: expect.objectContaining({ message: "boom" }) }),
    ]);
    const last = await call("contract-shapes", steps, { attempt: 2 });
    expect(last.body).toEqual([
      expect.objectContaining({ op: "StepFailed", error: expect.objectContaining({ message: "boom" }) }),
    ]);
    steps[last.body[0].id] = { type: "error", error: last.body[0].error };

    const end = await call("contract-shapes", steps);
    // An un-caught failed step fails the function for good: no retry of the whole function.
    expect([end.res.status, end.res.headers.get("x-inngest-no-retry")]).toEqual([400, "true"]);
  });

  it("signals function-level errors with status and x-inngest-no-retry", async () => {
    const soft = await call("contract-fails", {}, { ev: { name: "t/fails", data: {} } });
    expect([soft.res.status, soft.res.headers.get("x-inngest-no-retry"), soft.body.message]).toEqual([
      500,
      "false",
      "soft",
    ]);
    const hard = await call("contract-fails", {}, { ev: { name: "t/fails", data: { hard: true } } });
    expect([hard.res.status, hard.res.headers.get("x-inngest-no-retry"), hard.body.message]).toEqual([
      400,
      "true",
      "hard",
    ]);
  });

  it("checkpoints only when ctx.fn_id is sent (the runner sends it unless told not to)", async () => {
    runnerHits = [];
    await call("contract-shapes", {}, { ctx: { fn_id: "internal-id", qi_id: "qi-1" } });
    expect(runnerHits.some((h) => h.includes("/v1/checkpoint"))).toBe(true);
    runnerHits = [];
    await call("contract-shapes", {});
    expect(runnerHits).toEqual([]);
  });
});

describe("checkpointing contract", () => {
  // A runner API that accepts checkpoints and records them, and an app whose client buffers none.
  const checkpoints: Array<{ path: string; auth: string | undefined; body: Record<string, unknown> }> = [];
  let api: http.Server;
  let app: http.Server;
  let appUrl = "";
  beforeAll(async () => {
    api = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        checkpoints.push({ path: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(raw || "{}") });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    const client = new Inngest({
      id: "cpc",
      isDev: true,
      baseUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      logger: silent,
      checkpointing: { bufferedSteps: 1 },
    });
    const fn = client.createFunction({ id: "two", triggers: [{ event: "t/two" }] }, async ({ step }) => {
      const a = await step.run("a", () => "A");
      const b = await step.run("b", () => `${a}B`);
      return { b };
    });
    app = http.createServer(serve({ client, functions: [fn] }) as http.RequestListener);
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  });
  afterAll(() => {
    api?.close();
    app?.close();
  });

  it("reports each finished step to /v1/checkpoint/:runId/async and answers with the run's result", async () => {
    const body = canonicalJson({
      event: { ...event, name: "t/two" },
      events: [{ ...event, name: "t/two" }],
      steps: {},
      version: 2,
      ctx: {
        run_id: "run-cp",
        attempt: 0,
        max_attempts: 1,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: [], current: 0 },
        fn_id: "cpc-two",
        qi_id: "42",
      },
    });
    const res = await fetch(`${appUrl}?fnId=cpc-two&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    // One call ran the whole function: the steps went to the checkpoint route, the result comes back.
    expect(res.status).toBe(206);
    const ops = (await res.json()) as Array<{ op: string; data?: unknown }>;
    expect(ops).toEqual([expect.objectContaining({ op: "RunComplete", data: { b: "AB" } })]);
    expect(checkpoints.map((c) => c.path)).toEqual(["/v1/checkpoint/run-cp/async", "/v1/checkpoint/run-cp/async"]);
    expect(checkpoints.map((c) => c.body)).toEqual([
      expect.objectContaining({
        run_id: "run-cp",
        fn_id: "cpc-two",
        qi_id: "42",
        steps: [
          expect.objectContaining({
            op: "StepRun",
            data: "A",
            timing: expect.objectContaining({ a: expect.any(Number) }),
          }),
        ],
      }),
      expect.objectContaining({ steps: [expect.objectContaining({ op: "StepRun", data: "AB" })] }),
    ]);
  });
});

describe("runner with a checkpointing client", () => {
  let calls = 0;
  const errors: unknown[] = [];
  const three = (inngest: Inngest) =>
    inngest.createFunction({ id: "three", triggers: [{ event: "t/three" }] }, async ({ step }) => {
      const got: string[] = [];
      for (const s of ["s1", "s2", "s3"]) got.push(await step.run(s, () => s));
      return got.join("+");
    });
  const harness = (runner: { checkpointing: boolean }, client: Record<string, unknown>) =>
    createHarness({
      appId: "cp",
      client,
      runner: { ...runner, logger: { ...silent, error: (...a: unknown[]) => errors.push(a) } },
      tap: (req) => req.method === "POST" && calls++,
      functions: (inngest) => [three(inngest)],
    });
  const stepsOf = (h: Awaited<ReturnType<typeof createHarness>>, runId: string) =>
    h.db.query<{ name: string; status: string; data: unknown; started_at: string; ended_at: string }>(
      "SELECT name, status, data, started_at, ended_at FROM inngest_runner_steps WHERE run_id = $1 ORDER BY seq",
      [runId],
    );

  it("runs a run in one call, each step memoized by a checkpoint (bufferedSteps 1)", async () => {
    calls = 0;
    const h = await harness({ checkpointing: true }, { checkpointing: true });
    try {
      const runId = await trigger(h, "cp-three", { name: "t/three" });
      const run = await h.finished(runId);
      expect([run.status, run.output]).toEqual(["completed", "s1+s2+s3"]);
      expect(calls).toBe(1);
      const steps = await stepsOf(h, runId);
      expect(steps.map((s) => [s.name, s.status, s.data])).toEqual([
        ["s1", "completed", "s1"],
        ["s2", "completed", "s2"],
        ["s3", "completed", "s3"],
      ]);
      for (const s of steps) expect(Number(s.ended_at)).toBeGreaterThanOrEqual(Number(s.started_at));
    } finally {
      await h.close();
    }
    expect(errors).toEqual([]);
  });

  it("with buffered steps, sends them with the run's result: one call and no checkpoint", async () => {
    calls = 0;
    const h = await harness({ checkpointing: true }, { checkpointing: { bufferedSteps: 10 } });
    try {
      const runId = await trigger(h, "cp-three", { name: "t/three" });
      expect((await h.finished(runId)).output).toBe("s1+s2+s3");
      expect(calls).toBe(1);
      expect((await stepsOf(h, runId)).map((s) => s.name)).toEqual(["s1", "s2", "s3"]);
    } finally {
      await h.close();
    }
    expect(errors).toEqual([]);
  });

  it("without checkpointing: one call per step plus the final one", async () => {
    calls = 0;
    const h = await harness({ checkpointing: false }, { checkpointing: true });
    try {
      const run = await h.finished(await trigger(h, "cp-three", { name: "t/three" }));
      expect([run.status, run.output]).toEqual(["completed", "s1+s2+s3"]);
      expect(calls).toBe(4);
    } finally {
      await h.close();
    }
    expect(errors).toEqual([]);
  });
});
