/**
 * bench:pipeline — how close Kiln's generation pipeline, checks and renditions included, gets to
 * the ceilings it cannot beat: the GPU endpoint's and the CPU the checks need.
 *
 * The product's own path, as `npm start` runs it (scripts/processes.ts): the built Next.js web
 * process and the worker process (background functions, the embedded runner), the GPU simulator in
 * its own process (at nice 19: it stands in for a GPU on another machine), on a fresh data folder
 * (embedded PGlite) or a fresh PostgreSQL database when DATABASE_URL is set. Needs `npm run build`.
 *
 * Set-up, through the product like a person would: the admin sets the simulator endpoint's "Calls at
 * once" to C (Admin → GPU endpoints); the demo designer signs in, reads the Draft preset and the
 * template from the Generate page, queues an 8-image warm-up batch (models loaded, code warm) and
 * waits for it. Measured: N draft images (512², rows × 8 variants) queued with POST /api/batches.
 * An image counts when its checks have decided (its asset left "checking") and its thumbnail and
 * preview exist (the check run makes them first, decision 0031; both are waited for). The window
 * runs from just before the POST to the last image counted; the times come from the database
 * (check_runs.decided_at, the runner's renditions steps), read after the processes stopped.
 *
 *   GPU ceiling    C / L images/s: C calls in flight at the endpoint, each taking L ms (the simulator's latency)
 *   achieved       images counted ÷ window
 *   efficiency     achieved ÷ GPU ceiling (target ≥ 0.95 for the pipeline alone; see below)
 *   overhead_ms    GPU-slot time per image − L, where slot time per image = C × window ÷ images:
 *                  what each image costs the endpoint beyond its L (≤ 50 ms ⇔ efficiency ≥ 0.95 at L = 1 s)
 *   CPU ceiling    cores × 1000 ÷ the checks' CPU ms per image: the checks' own CPU time, measured in
 *                  this run as the CPU time of the model threads (named "check:<model>" by
 *                  lib/system/background-thread.mjs) and of libvips' threads ("libvips worker": the
 *                  check run's decode, renditions and model inputs; nothing else in the worker uses
 *                  sharp) in the worker process, ÷ images; cores = os.availableParallelism(). libvips
 *                  ends idle threads, and a thread that ended within the window is not counted, so
 *                  this is a lower bound of the checks' CPU and the ceiling an upper bound. No
 *                  pipeline on this machine can check faster, even if nothing else (the JS around
 *                  the checks, the database, the simulator's rendering) used any CPU.
 *   checks_efficiency  achieved ÷ min(GPU ceiling, CPU ceiling) (target ≥ 0.9)
 *
 * Every tier runs checks (draft: NSFW) and Kiln has no setting that turns them off, so there is no
 * run without checks: `efficiency` is measured with them, and the table adds the GPU path alone
 * (images generated ÷ time to the last one generated, while the checks ran beside it) to show how
 * much of the gap is the checks, and how long a generated image waited for its checks' decision
 * (p50 / p95: whether the checks kept pace with the endpoint). It also shows the CPU all of Kiln
 * spent per image (web, worker and the database: on PGlite the process that owns the embedded
 * database, on PostgreSQL the local server's processes), how much of the endpoint's slots were
 * claimed and how much of the machine's CPU was used: on a small machine the CPU, not the checks,
 * can be the binding limit, and the table says so rather than folding it into a ceiling: its last
 * row is the most images per second the machine's cores could carry at this run's CPU per image,
 * the simulator's included (it stands in for a GPU elsewhere but renders on these cores). Settings
 * that must grow with C are set and printed (the provider concurrency bound, the per-user throttle,
 * no daily quota); everything else is the product's default.
 *
 * The simulator runs at nice 19, so on a busy machine it can answer later than L; that shows as
 * overhead (against Kiln, never for it) and in the "provider call seen by the app" row.
 *
 * The last line printed is always the key=value line: the processes' output goes to a log file
 * (named only when the run fails), and they have exited before the results are printed.
 *
 * To look further: KILN_BENCH_KEEP=1 keeps the data folder (PGlite) for queries afterwards,
 * KILN_CPU_PROF=<dir> profiles every process, KILN_DB_TRACE=<file> traces the database host
 * (docs/operations.md).
 *
 * Usage: tsx bench/pipeline.ts [--n 512] [--concurrency 16] [--latency-ms 1000] [--port 3960] [--workers N]
 * (--workers: KILN_WORKERS worker processes instead of the default one; their CPU is summed)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { chromium, type Browser } from "@playwright/test";
import postgres from "postgres";
import { buildIsCurrent } from "../scripts/build-fingerprint";
import { kilnProcesses } from "../scripts/processes";
import { batchRows, generateIds, pct, queueBatch, signIn, waitFor } from "./support/console-client";
import { postgresServerTicks, processTicks, threadTicks, TICK_MS } from "./support/process-cpu";
import { benchKilnEnv } from "./support/kiln-env";

const { values: args } = parseArgs({
  options: {
    n: { type: "string" },
    concurrency: { type: "string" },
    "latency-ms": { type: "string" },
    port: { type: "string" },
    workers: { type: "string" },
  },
  strict: true,
});
const VARIANTS = 8;
const N = Number(args.n ?? 512);
const C = Number(args.concurrency ?? 16);
const L = Number(args["latency-ms"] ?? 1000);
const PORT = Number(args.port ?? 3960);
if (!Number.isInteger(N) || N < VARIANTS || N % VARIANTS !== 0) fail(`--n must be a positive multiple of ${VARIANTS}`);
if (!Number.isInteger(C) || C < 1 || C > 256) fail("--concurrency must be 1–256");
if (!(L > 0)) fail("--latency-ms must be positive");
const WORKERS = args.workers === undefined ? undefined : Number(args.workers);
if (WORKERS !== undefined && (!Number.isInteger(WORKERS) || WORKERS < 1 || WORKERS > 8)) fail("--workers must be 1–8");

const root = process.cwd();
if (!existsSync(path.join(root, ".next", "BUILD_ID")))
  fail("no production build: run `npm run build` first (bench:pipeline runs the built app, as `npm start` does)");
if (!buildIsCurrent(root))
  console.error(
    "bench:pipeline: the production build is older than the sources (`npm run build:if-needed` rebuilds); measuring it as it is",
  );

const base = `http://localhost:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-pipeline-"));
const logFile = path.join(os.tmpdir(), `kiln-bench-pipeline-${process.pid}.log`);
const CORES = os.availableParallelism();

const env: NodeJS.ProcessEnv = {
  ...benchKilnEnv({ port: PORT, dataDir, runnerPort: PORT + 1, simulatorPort: PORT + 2, workerPort: PORT + 3 }),
  KILN_SIM_LATENCY_MS: String(L),
  KILN_SIM_JITTER_MS: "0",
  // What must grow with C: the runner's per-endpoint bound, and a throttle and quota above N.
  KILN_PROVIDER_CONCURRENCY: String(C),
  KILN_USER_GENERATIONS_PER_MINUTE: "1000000",
  KILN_USER_DAILY_IMAGE_QUOTA: "0",
};
for (const key of [
  "KILN_ROLE",
  "KILN_WORKERS",
  "KILN_WORKER_URLS",
  "INNGEST_DEV",
  "INNGEST_SIGNING_KEY",
  "INNGEST_EVENT_KEY",
  "INNGEST_BASE_URL",
])
  delete env[key];
// The product's default unless asked: KILN_WORKERS worker processes (scripts/processes.ts).
if (WORKERS !== undefined) env.KILN_WORKERS = String(WORKERS);

type Cpu = { database: number; web: number; worker: number; simulator: number; checks: number };
type Row = { status: string; thumbUrl: string | null; check?: { status: string } | null };
type Timing = {
  generated_at: number | null;
  decided_at: number | null;
  renditions_at: number | null;
  provider_ms: number | null;
  check_ms: number | null;
  /** The generation's provider calls, claim to ledger: the time it held one of the endpoint's slots. */
  slot_ms: number | null;
};

const children = new Map<string, ChildProcess>();
let browser: Browser | undefined;
let dbKind = "pglite";
let result: string[] | undefined;
let failure: string | undefined;
try {
  if (process.env.DATABASE_URL) {
    dbKind = "postgres";
    const name = `kiln_bench_pipeline_${process.pid}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }

  const specs = kilnProcesses(root, env).map((s) =>
    s.name === "gpu-simulator" ? { ...s, command: "nice", args: ["-n", "19", s.command, ...s.args] } : s,
  );
  const log = openSync(logFile, "w");
  for (const spec of specs)
    children.set(spec.name, spawn(spec.command, spec.args, { cwd: root, env: spec.env, stdio: ["ignore", log, log] }));
  closeSync(log);
  for (const name of ["web", "gpu-simulator"])
    if (!children.get(name)?.pid) throw new Error(`Kiln's ${name} process did not start`);
  if (!workerPids().length) throw new Error("Kiln's worker process did not start");
  progress(`Kiln starting on ${base} (${dbKind}, data in ${dataDir})`);
  await waitFor(
    async () => (await fetch(`${base}/sign-in`, { redirect: "manual" }).catch(() => null))?.status === 200,
    180_000,
    "the web process to answer",
  );

  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  await setEndpointConcurrency(browser, C);
  const designer = await signIn(browser, base, "designer@kiln.local", "kiln-demo-designer");
  const ids = await generateIds(browser, base, designer, /^Draft/);

  progress("warm-up: 8 draft images");
  const warm = await queueBatch(designer, base, ids, { rows: 1, variants: VARIANTS, name: "warm-up" });
  await waitFor(async () => allCounted(await batchRows<Row>(designer, warm), VARIANTS), 180_000, "the warm-up batch");

  progress(`measuring: ${N} draft images, C = ${C}, L = ${L} ms`);
  const cpu0 = cpuNow();
  const t0 = Date.now();
  const batchId = await queueBatch(designer, base, ids, { rows: N / VARIANTS, variants: VARIANTS, name: "pipeline" });
  const queuedMs = Date.now() - t0;
  const limitMs = Math.max(240_000, (N * L * 20) / C);
  await waitFor(
    async () => allCounted(await batchRows<Row>(designer, batchId), N),
    limitMs,
    `${N} images to be checked`,
    // The window comes from the database's timestamps, not from this poll, so it can be rare: each
    // poll reads the whole batch through the Jobs page's API, work Kiln would otherwise not do.
    5000,
  );
  const cpu1 = cpuNow();
  await browser.close();
  browser = undefined;
  await stopChildren();

  const timings = await readTimings(batchId);
  const done = timings.filter((t) => t.decided_at !== null && t.renditions_at !== null);
  const images = done.length;
  if (images < N) throw new Error(`only ${images} of ${N} images were checked and rendered`);
  const windowMs = Math.max(...done.map((t) => Math.max(t.decided_at!, t.renditions_at!))) - t0;
  const generated = timings.filter((t) => t.generated_at !== null);
  const generatedMs = Math.max(...generated.map((t) => t.generated_at!)) - t0;
  const firstMs = Math.min(...done.map((t) => Math.max(t.decided_at!, t.renditions_at!))) - t0;

  const gpuCeiling = C / (L / 1000);
  const achieved = images / (windowMs / 1000);
  const efficiency = achieved / gpuCeiling;
  const slotMs = (C * windowMs) / images;
  const overheadMs = slotMs - L;
  const genEfficiency = generated.length / (generatedMs / 1000) / gpuCeiling;
  const checkCpuMs = ((cpu1.checks - cpu0.checks) * TICK_MS) / images;
  const cpuCeiling = checkCpuMs > 0 ? (CORES * 1000) / checkCpuMs : Infinity;
  const checksEfficiency = achieved / Math.min(gpuCeiling, cpuCeiling);
  const perImage = (k: keyof Cpu) => ((cpu1[k] - cpu0[k]) * TICK_MS) / images;
  const cores = (k: keyof Cpu) => ((cpu1[k] - cpu0[k]) * TICK_MS) / windowMs;
  const kilnCpuMs = perImage("database") + perImage("web") + perImage("worker");
  // The simulator stands in for a GPU on another machine but renders on these cores: with it, the
  // most images per second this machine's CPU could carry at this run's CPU cost per image.
  const machineBound = (CORES * 1000) / (kilnCpuMs + perImage("simulator"));
  // How much of the endpoint's capacity was claimed, and how much of the machine's CPU was used:
  // with slots idle and the cores nearly full, the CPU, not the GPU, sets the pace.
  const slotsInUse = timings.reduce((sum, t) => sum + (t.slot_ms ?? 0), 0) / (C * windowMs);
  const cpuInUse = (["database", "web", "worker", "simulator"] as const).reduce((sum, k) => sum + cores(k), 0) / CORES;
  const providerMs = timings.map((t) => t.provider_ms).filter((x): x is number => x !== null);
  const checkMs = timings.map((t) => t.check_ms).filter((x): x is number => x !== null);
  // How long a generated image waited for its checks' decision: whether the checks kept pace with
  // the endpoint or fell behind it until the last image was generated.
  const checkLagMs = done
    .filter((t) => t.generated_at !== null)
    .map((t) => Math.max(t.decided_at!, t.renditions_at!) - t.generated_at!);
  const [lagP50s, lagP95s] = [0.5, 0.95].map((q) => pct(checkLagMs, q) / 1000);

  const rows: Array<[string, string]> = [
    [
      "database / processes",
      `${dbKind} / ${dbKind === "pglite" ? "database" : "the local PostgreSQL server"} + web + ${WORKERS && WORKERS > 1 ? `${WORKERS} workers` : "worker"} + simulator (nice 19), ${CORES} cores`,
    ],
    [
      "images (draft, 512², checks: NSFW)",
      `${images} counted of ${N} queued (${timings.length} generations incl. re-rolls)`,
    ],
    ["C (endpoint calls at once) / L (simulated GPU time)", `${C} / ${L} ms`],
    [
      "window: POST → last image checked and rendered",
      `${(windowMs / 1000).toFixed(1)} s (first image at ${(firstMs / 1000).toFixed(1)} s)`,
    ],
    ["  the designer's POST /api/batches answered after", `${queuedMs} ms`],
    ["GPU ceiling C / L", `${gpuCeiling.toFixed(2)} images/s`],
    ["achieved", `${achieved.toFixed(2)} images/s`],
    ["efficiency (achieved ÷ GPU ceiling)", efficiency.toFixed(3)],
    [
      "GPU-slot time per image (C × window ÷ images)",
      `${slotMs.toFixed(0)} ms = L + ${overheadMs.toFixed(0)} ms overhead`,
    ],
    [
      "  provider call seen by the app (mean / p95)",
      `${mean(providerMs).toFixed(0)} / ${pct(providerMs, 0.95).toFixed(0)} ms`,
    ],
    ["  GPU slots in use (provider calls' claim → ledger ÷ C × window)", slotsInUse.toFixed(2)],
    [
      "GPU path alone: generated ÷ time to last generated",
      `${(generated.length / (generatedMs / 1000)).toFixed(2)} images/s, ${genEfficiency.toFixed(3)} of the ceiling`,
    ],
    [
      "checks' CPU per image (check:* and libvips threads, at least)",
      `${checkCpuMs.toFixed(0)} ms (their wall time, check_results: ${mean(checkMs).toFixed(0)} ms)`,
    ],
    ["CPU ceiling (cores × 1000 ÷ checks' CPU ms)", `${cpuCeiling.toFixed(2)} images/s`],
    ["checks_efficiency (achieved ÷ min of the ceilings)", checksEfficiency.toFixed(3)],
    ["generated → checked and rendered (p50 / p95)", `${lagP50s!.toFixed(1)} / ${lagP95s!.toFixed(1)} s`],
    [
      "CPU per image: database / web / worker / simulator",
      `${perImage("database").toFixed(0)} / ${perImage("web").toFixed(0)} / ${perImage("worker").toFixed(0)} / ${perImage("simulator").toFixed(0)} ms`,
    ],
    [
      "cores busy: database / web / worker / simulator",
      `${cores("database").toFixed(2)} / ${cores("web").toFixed(2)} / ${cores("worker").toFixed(2)} / ${cores("simulator").toFixed(2)}`,
    ],
    ["  the machine's CPU in use (Kiln and the simulator ÷ cores)", cpuInUse.toFixed(2)],
    [
      "  bound from Kiln's whole CPU (cores ÷ its CPU per image)",
      `${((CORES * 1000) / kilnCpuMs).toFixed(2)} images/s (${kilnCpuMs.toFixed(0)} ms CPU per image)`,
    ],
    [
      "  bound from the machine's CPU (cores ÷ Kiln's and the simulator's CPU per image)",
      `${machineBound.toFixed(2)} images/s, ${(machineBound / gpuCeiling).toFixed(3)} of the GPU ceiling`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  result = [
    "",
    "bench:pipeline",
    `${"metric".padEnd(w)}  value`,
    `${"-".repeat(w)}  ${"-".repeat(30)}`,
    ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`),
    [
      `efficiency=${efficiency.toFixed(3)}`,
      `overhead_ms=${overheadMs.toFixed(0)}`,
      `checks_efficiency=${checksEfficiency.toFixed(3)}`,
      `images_per_s=${achieved.toFixed(2)}`,
      `gpu_ceiling_per_s=${gpuCeiling.toFixed(2)}`,
      `cpu_ceiling_per_s=${cpuCeiling.toFixed(2)}`,
      `check_cpu_ms=${checkCpuMs.toFixed(0)}`,
      `generated_efficiency=${genEfficiency.toFixed(3)}`,
      `check_lag_p95_s=${lagP95s!.toFixed(1)}`,
      `kiln_cpu_ms=${kilnCpuMs.toFixed(0)}`,
      `machine_cpu_bound_per_s=${machineBound.toFixed(2)}`,
      `gpu_slots_in_use=${slotsInUse.toFixed(2)}`,
      `cpu_in_use=${cpuInUse.toFixed(2)}`,
      `n=${images}`,
      `concurrency=${C}`,
      `latency_ms=${L}`,
      `cores=${CORES}`,
      `window_s=${(windowMs / 1000).toFixed(1)}`,
      `db=${dbKind}`,
      `workers=${WORKERS ?? 1}`,
    ].join(" "),
  ];
} catch (error) {
  failure = (error as Error).message;
} finally {
  await browser?.close().catch(() => {});
  await stopChildren();
  if (dbKind === "postgres" && env.DATABASE_URL && process.env.DATABASE_URL) {
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin
      .unsafe(`DROP DATABASE IF EXISTS ${new URL(env.DATABASE_URL).pathname.slice(1)} WITH (FORCE)`)
      .catch(() => {});
    await admin.end();
  }
  if (process.env.KILN_BENCH_KEEP && dbKind === "pglite")
    console.error(`bench:pipeline: the data folder is kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
if (result) {
  rmSync(logFile, { force: true });
  console.log(result.join("\n"));
} else {
  console.error(`bench:pipeline failed: ${failure ?? "no result"}\nKiln's own output: ${logFile}`);
  process.exitCode = 1;
}

function fail(message: string): never {
  console.error(`bench:pipeline: ${message}`);
  process.exit(1);
}

function progress(message: string): void {
  console.error(`bench:pipeline: ${message}`);
}

/** SIGTERM to every child, then wait for each to exit (a child that ignores it gets SIGKILL after 20 s). */
async function stopChildren(): Promise<void> {
  const live = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  children.clear();
  await Promise.all(
    live.map(
      (c) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => c.kill("SIGKILL"), 20_000);
          c.once("exit", () => (clearTimeout(kill), resolve()));
          c.kill("SIGTERM");
        }),
    ),
  );
}

/** The worker processes: "worker", or "worker-1", "worker-2" … with KILN_WORKERS (scripts/processes.ts). */
function workerPids(): number[] {
  return [...children]
    .filter(([name, child]) => /^worker(-\d+)?$/.test(name) && child.pid)
    .map(([, child]) => child.pid!);
}

/** CPU clock ticks so far: each process (the workers summed), and the workers' model threads (named check:<model>). */
function cpuNow(): Cpu {
  const proc = (name: string) => processTicks(children.get(name)!.pid!);
  const workers = workerPids();
  const sum = (f: (pid: number) => number) => workers.reduce((total, pid) => total + f(pid), 0);
  return {
    database: children.has("database") ? proc("database") : postgresServerTicks(),
    web: proc("web"),
    worker: sum(processTicks),
    simulator: proc("gpu-simulator"),
    checks: sum((pid) => threadTicks(pid, "check:") + threadTicks(pid, "libvips")),
  };
}

/**
 * Per generation of the batch: when it was generated, its checks decided, its renditions were written
 * (ms since epoch; the renditions step of its check run, or of the older renditions function).
 */
async function readTimings(batchId: string): Promise<Timing[]> {
  const text = `
    SELECT extract(epoch FROM g.finished_at) * 1000 AS generated_at,
           extract(epoch FROM cr.decided_at) * 1000 AS decided_at,
           (SELECT max(s.ended_at) FROM inngest_runner_runs r JOIN inngest_runner_steps s ON s.run_id = r.id
             WHERE r.function_id ~ '(checks-check-asset|generation-make-renditions)$'
               AND r.event->'data'->>'generationId' = g.id::text
               AND s.name = 'renditions' AND s.status = 'completed') AS renditions_at,
           (g.metadata->'timings'->>'providerMs')::float8 AS provider_ms,
           (SELECT sum(res.duration_ms) FROM check_results res WHERE res.check_run_id = cr.id)::float8 AS check_ms,
           (SELECT sum(extract(epoch FROM pc.ended_at - pc.started_at)) * 1000 FROM provider_calls pc
             WHERE pc.generation_id = g.id)::float8 AS slot_ms
      FROM generations g
      LEFT JOIN assets a ON a.generation_id = g.id
      LEFT JOIN asset_versions v ON v.asset_id = a.id AND v.number = 1
      LEFT JOIN check_runs cr ON cr.asset_version_id = v.id AND cr.trigger = 'generated'
     WHERE g.batch_id = $1 AND g.status = 'succeeded'`;
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  const shape = (rows: Record<string, unknown>[]): Timing[] =>
    rows.map((r) => ({
      generated_at: num(r.generated_at),
      decided_at: num(r.decided_at),
      renditions_at: num(r.renditions_at),
      provider_ms: num(r.provider_ms),
      check_ms: num(r.check_ms),
      slot_ms: num(r.slot_ms),
    }));
  if (env.DATABASE_URL) {
    const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      return shape(await sql.unsafe(text, [batchId]));
    } finally {
      await sql.end();
    }
  }
  const db = await PGlite.create(path.join(dataDir, "pglite"), { extensions: { pg_trgm } });
  try {
    return shape((await db.query<Record<string, unknown>>(text, [batchId])).rows);
  } finally {
    await db.close();
  }
}

/** The admin sets the simulator endpoint's "Calls at once" to C, as on Admin → GPU endpoints. */
async function setEndpointConcurrency(b: Browser, calls: number): Promise<void> {
  const admin = await signIn(b, base, "admin@kiln.local", "kiln-demo-admin");
  const context = await b.newContext({ baseURL: base, storageState: await admin.storageState() });
  const page = await context.newPage();
  await page.goto("/admin/providers");
  await page
    .getByRole("row", { name: /Kiln GPU simulator/ })
    .getByRole("button", { name: "Edit" })
    .click();
  const form = page.getByRole("form", { name: "Edit Kiln GPU simulator" });
  await form.getByLabel("Calls at once").fill(String(calls));
  await form.getByRole("button", { name: "Save endpoint" }).click();
  // A saved edit closes the form; the table then says the new limit.
  await form.waitFor({ state: "detached", timeout: 30_000 });
  await page.reload();
  await page
    .getByRole("row", { name: /Kiln GPU simulator/ })
    .getByText(`${calls} calls at once`)
    .waitFor({ timeout: 30_000 });
  await context.close();
}

/** Every image counted (checks decided, renditions written) and nothing else still moving; throws if one was parked. */
function allCounted(rows: Row[], expected: number): boolean {
  const parked = rows.filter((r) => r.status === "dead_lettered" || r.status === "cancelled");
  if (parked.length) throw new Error(`${parked.length} generations were parked or cancelled (${parked[0]!.status})`);
  const counted = rows.filter(
    (r) => r.status === "succeeded" && r.thumbUrl && r.check && r.check.status !== "checking",
  );
  return counted.length >= expected && counted.length === rows.length;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
