/**
 * bench:runner — throughput and per-step overhead of the embedded Inngest runner.
 *
 * One process, like `npm start`: an in-memory PGlite, the real SDK serve() route on an HTTP
 * server and the runner. A function with three no-op steps is run N times.
 *
 *   floor            one plain HTTP round-trip to the same route (a POST that makes the SDK run one
 *                    no-op step), median of sequential requests interleaved with the runs
 *   per step         sequential run latency (event in → run completed in the DB) ÷ 3 steps; it
 *                    includes the event API, the 4th (completion) call and every DB write
 *   overhead/step    per step − floor: what the runner adds beyond the round-trip itself
 *   overhead_ratio   overhead/step ÷ floor (the target: ≤ 3)
 *   runs_per_s       N runs sent at once, completed per second
 *
 * Outside baseline: the same function run by @inngest/test's InngestTestEngine, Inngest's own
 * in-process executor (the SDK's execution code, re-entered once per step exactly as over HTTP, but
 * no HTTP, no event API and no database). It is the floor of running this function with Inngest's
 * code at all: the runner's run latency ÷ that engine's run latency (`runner_vs_engine`) is what
 * HTTP, durability (every step's result in the database before the next) and scheduling cost.
 * Engine runs are interleaved with the runner's runs so both see the same machine load.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { InngestTestEngine } from "@inngest/test";
import { openDatabase } from "../db/client";
import { startRunner } from "../inngest/runner/index";

const SEQUENTIAL = Number(process.argv[2] ?? 60);
const BURST = Number(process.argv[3] ?? 400);
const FLOOR_PER_RUN = 5;

const silent = { info() {}, warn() {}, error: console.error, debug() {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const database = await openDatabase({ memory: true });
  const db = { query: database.query, transaction: database.transaction };
  let handler: http.RequestListener | undefined;
  const app = http.createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  const runner = await startRunner({ db, port: 0, appUrl, logger: silent });
  const inngest = new Inngest({ id: "bench", isDev: true, baseUrl: runner.url, logger: silent });
  // Code after the last step only runs in a run's final call; it tells the sequential phase when
  // to start polling the database, so polling does not compete with the runner for PGlite.
  const finals = new Map<number, () => void>();
  const fn = inngest.createFunction({ id: "noop3", triggers: [{ event: "bench/noop" }] }, async ({ event, step }) => {
    await step.run("a", () => null);
    await step.run("b", () => null);
    await step.run("c", () => null);
    finals.get((event.data as { i: number }).i)?.();
    return "done";
  });
  handler = serve({ client: inngest, functions: [fn] }) as http.RequestListener;
  while (!(await fetch(`${runner.url}/health`).then((r) => r.json() as Promise<{ functions: number }>)).functions)
    await sleep(20);

  // Floor: the same request the runner makes for a run's first step, sent straight to the route.
  const body = JSON.stringify({
    event: { id: "e", name: "bench/noop", data: {}, ts: Date.now() },
    events: [],
    steps: {},
    version: 2,
    ctx: {
      run_id: "floor",
      attempt: 0,
      max_attempts: 4,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [], current: 0 },
    },
  });
  const floorOnce = async () => {
    const t = performance.now();
    const res = await fetch(`${appUrl}?fnId=bench-noop3&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await res.text();
    return performance.now() - t;
  };
  for (let i = 0; i < 50; i++) await floorOnce(); // warm-up
  const floors: number[] = [];

  // Outside floor: Inngest's own in-process executor running the same function to completion.
  const engineOnce = async (i: number) => {
    const engine = new InngestTestEngine({
      function: fn,
      events: [{ name: "bench/noop", data: { i: 1_000_000 + i } }],
    });
    const t = performance.now();
    const { result, error } = await engine.execute();
    const ms = performance.now() - t;
    if (error || result !== "done")
      throw new Error(`the test engine did not finish the run: ${String(error ?? result)}`);
    return ms;
  };
  for (let i = 0; i < 50; i++) await engineOnce(i); // warm-up
  const engineRuns: number[] = [];

  const send = (events: unknown[]) =>
    fetch(`${runner.url}/e/bench`, { method: "POST", body: JSON.stringify(events) }).then(
      (r) => r.json() as Promise<{ ids: string[] }>,
    );
  const completed = async () =>
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status = 'completed'"))[0]!
      .n;

  // Sequential latency: one run at a time, event in → completed.
  for (let i = 0; i < 10; i++) {
    const target = (await completed()) + 1;
    await send([{ name: "bench/noop", data: { i } }]);
    while ((await completed()) < target) await sleep(1);
  }
  // Floor samples are interleaved with the runs so both see the same machine load (shared
  // machines drift; a ratio of measurements taken minutes apart would drift with them).
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    for (let k = 0; k < FLOOR_PER_RUN; k++) floors.push(await floorOnce());
    engineRuns.push(await engineOnce(i));
    const target = (await completed()) + 1;
    const final = new Promise<void>((r) => finals.set(-1 - i, r));
    const t = performance.now();
    await send([{ name: "bench/noop", data: { i: -1 - i } }]);
    await final;
    while ((await completed()) < target) await sleep(0);
    latencies.push(performance.now() - t);
  }
  const floor = median(floors);
  const runLatency = median(latencies);
  const perStep = runLatency / 3;
  const overhead = Math.max(0, perStep - floor);
  const engineMs = median(engineRuns);
  const runnerVsEngine = runLatency / engineMs;

  // Throughput: BURST runs at once.
  const before = await completed();
  const t0 = performance.now();
  for (let i = 0; i < BURST; i += 100)
    await send(
      Array.from({ length: Math.min(100, BURST - i) }, (_, j) => ({ name: "bench/noop", data: { i: i + j } })),
    );
  while ((await completed()) < before + BURST) await sleep(10);
  const seconds = (performance.now() - t0) / 1000;
  const runsPerS = BURST / seconds;
  const [failed] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status <> 'completed'",
  );

  await runner.close();
  app.close();
  app.closeAllConnections();
  await database.close();

  const rows: Array<[string, string]> = [
    ["outside floor: @inngest/test engine, whole run in-process (median)", `${engineMs.toFixed(2)} ms`],
    ["floor: one HTTP round-trip to serve() (median)", `${floor.toFixed(2)} ms`],
    [`run latency, 3 no-op steps (median of ${SEQUENTIAL})`, `${runLatency.toFixed(2)} ms`],
    ["per step (run latency ÷ 3)", `${perStep.toFixed(2)} ms`],
    ["runner overhead per step (per step − floor)", `${overhead.toFixed(2)} ms`],
    [`throughput (${BURST} runs at once)`, `${runsPerS.toFixed(1)} runs/s, ${(runsPerS * 3).toFixed(1)} steps/s`],
    ["runner run latency ÷ engine run latency", `${runnerVsEngine.toFixed(2)}×`],
    ["runs not completed", String(failed!.n)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`${"metric".padEnd(w)}  value\n${"-".repeat(w)}  ${"-".repeat(24)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  console.log(
    `runs_per_s=${runsPerS.toFixed(1)} overhead_ratio=${(overhead / floor).toFixed(2)} floor_ms=${floor.toFixed(2)} per_step_ms=${perStep.toFixed(2)} engine_ms=${engineMs.toFixed(2)} runner_vs_engine=${runnerVsEngine.toFixed(2)}`,
  );
  if (failed!.n > 0) process.exitCode = 1;
}

await main();
