/**
 * bench:pipeline — how close the generation pipeline gets to the GPU-bound ceiling.
 *
 * The real path, as `npm start` runs it: the app's functions (inngest/functions) served by the
 * SDK's serve() over HTTP, the embedded runner on the same database (in-memory PGlite, or Postgres
 * when DATABASE_URL is set), and the GPU simulator in its own process behind the A1111 adapter.
 * N draft generations (512²) are queued as one batch and started like the Jobs page does.
 *
 *   ceiling     C / L images per second: C calls in flight per GPU endpoint (the generate
 *               function's concurrency key, KILN_PROVIDER_CONCURRENCY), each taking L ms
 *   achieved    images succeeded ÷ wall time from "start batch" to the batch completed
 *   efficiency  achieved ÷ ceiling (target ≥ 0.95)
 *
 * Usage: tsx bench/pipeline.ts [--n 1000] [--concurrency 16] [--latency-ms 3200]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { n: { type: "string" }, concurrency: { type: "string" }, "latency-ms": { type: "string" } },
  strict: true,
});
const N = Number(args.n ?? 1000);
const C = Number(args.concurrency ?? 16);
const L = Number(args["latency-ms"] ?? 3200);
const VARIANTS = 8;
if (N % VARIANTS !== 0) throw new Error(`--n must be a multiple of ${VARIANTS}`);

const dataDir = mkdtempSync(path.join(tmpdir(), "kiln-bench-pipeline-"));
// lib/env is read when the function modules load: set it before anything imports them.
process.env.KILN_PROVIDER_CONCURRENCY = String(C);
process.env.KILN_USER_GENERATIONS_PER_MINUTE = "1000000";
process.env.KILN_USER_DAILY_IMAGE_QUOTA = "0";
process.env.KILN_DATA_DIR = dataDir;
delete process.env.INNGEST_DEV;

const { createTestDatabase } = await import("../db/testing");
const { batchFacts, batchProgress, freePort, queueDraftBatch, startPipeline } = await import("../lib/generation/testing/pipeline-harness");
const { spawnSimulator } = await import("../lib/generation/testing/simulator-process");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main() {
  process.env.KILN_RUNNER_PORT = String(await freePort());
  const database = await createTestDatabase();
  const sim = await spawnSimulator({ latencyMs: L }, { nice: 10 });
  const calls: number[] = [];
  const pipeline = await startPipeline({
    database,
    runnerPort: Number(process.env.KILN_RUNNER_PORT),
    onCall: (ms) => calls.push(ms),
    logger: { ...console, info() {}, debug() {} },
  });
  try {
    const { batch, ctx } = await queueDraftBatch({ db: database.db, simulatorUrl: sim.url, rows: N / VARIANTS, variantsPerRow: VARIANTS, concurrencyLimit: C, key: `bench-${N}` });
    calls.length = 0;
    const cpu0 = process.cpuUsage();
    const simCpu0 = sim.cpuMs();
    const t0 = Date.now();
    await pipeline.start(ctx, batch.id);
    // Polled slowly (the database is on this thread); the times come from the rows themselves.
    for (;;) {
      const p = await batchProgress(database.db, batch.id);
      if (p.batchStatus === "completed") break;
      if (Date.now() - t0 > 280_000) throw new Error(`gave up after 280 s with ${p.terminal}/${p.total} done`);
      await sleep(1_000);
    }
    // Renditions are made after each image, outside the GPU slot; wait for them so nothing is cut
    // off at shutdown (they are not part of the GPU-bound figure).
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
      const [left] = await database.query<{ n: number }>("select count(*)::int as n from generations where batch_id = $1 and status = 'succeeded' and renditions = '{}'::jsonb", [batch.id]);
      if (!left || left.n === 0) break;
    }
    const cpu = process.cpuUsage(cpu0);
    const simCpuMs = sim.cpuMs() - simCpu0;
    const facts = await batchFacts(database.db, batch.id);
    const wallMs = facts.batch.finishedAt!.getTime() - t0;
    const [first] = await database.query<{ at: string }>("SELECT min(finished_at) AS at FROM generations WHERE batch_id = $1", [batch.id]);
    const firstAt = new Date(first!.at).getTime() - t0;
    const succeeded = facts.gens.filter((g) => g.status === "succeeded").length;
    const timings = await database.query<{ name: string; ms: number }>(
      `SELECT s.name, (s.ended_at - s.started_at)::float8 AS ms FROM inngest_runner_steps s JOIN inngest_runner_runs r ON r.id = s.run_id
       WHERE r.function_id LIKE '%generation-generate-image' AND s.ended_at IS NOT NULL`,
    );
    const generateMs = timings.filter((t) => t.name === "generate").map((t) => t.ms);
    const providerMs = (
      await database.query<{ ms: number }>(
        `SELECT (metadata->'timings'->>'providerMs')::float8 AS ms FROM generations WHERE batch_id = $1 AND status = 'succeeded'`,
        [batch.id],
      )
    ).map((r) => r.ms);
    const simStats = await sim.stats();

    const ceiling = C / (L / 1000);
    const achieved = succeeded / (wallMs / 1000);
    const efficiency = achieved / ceiling;
    const slotMsPerImage = (wallMs * C) / succeeded;
    const rows: Array<[string, string]> = [
      ["database", database.kind],
      ["generations (draft, 512²)", `${N} (${succeeded} succeeded, ${N - succeeded} not)`],
      ["provider concurrency C", String(C)],
      ["simulated GPU latency L", `${L} ms`],
      ["ceiling C / L", `${ceiling.toFixed(2)} images/s`],
      ["wall time, start → batch completed", `${(wallMs / 1000).toFixed(1)} s`],
      ["achieved", `${achieved.toFixed(2)} images/s`],
      ["efficiency (achieved ÷ ceiling)", efficiency.toFixed(3)],
      ["first image after start", `${firstAt.toFixed(0)} ms`],
      ["GPU-slot time per image (wall × C ÷ images)", `${slotMsPerImage.toFixed(0)} ms (L = ${L})`],
      ["  provider call (adapter, mean / p95)", `${mean(providerMs).toFixed(0)} / ${pct(providerMs, 95).toFixed(0)} ms`],
      ["  'generate' step incl. storing (mean / p95)", `${mean(generateMs).toFixed(0)} / ${pct(generateMs, 95).toFixed(0)} ms`],
      ["runner → app calls per image", (calls.length / N).toFixed(2)],
      ["  app time per call (median / p95)", `${pct(calls, 50).toFixed(1)} / ${pct(calls, 95).toFixed(1)} ms`],
      ["simulator txt2img calls", String(simStats.calls["/sdapi/v1/txt2img"] ?? 0)],
      ["ledger rows", String(facts.ledger.length)],
      ["CPU of app + runner + db process", `${((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2)} cores`],
      ["CPU of the simulator process (niced)", `${(simCpuMs / wallMs).toFixed(2)} cores`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`${"metric".padEnd(w)}  value\n${"-".repeat(w)}  ${"-".repeat(28)}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    console.log(
      `efficiency=${efficiency.toFixed(3)} images_per_s=${achieved.toFixed(2)} ceiling_per_s=${ceiling.toFixed(2)} concurrency=${C} latency_ms=${L} n=${N} wall_s=${(wallMs / 1000).toFixed(1)}`,
    );
    if (succeeded !== N) process.exitCode = 1;
  } finally {
    await pipeline.close();
    await sim.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
