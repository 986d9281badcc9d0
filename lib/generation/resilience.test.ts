/**
 * Issue 4, item 8: the generation pipeline under provider faults, and under SIGKILL.
 *
 * Both cases run the real thing: the app's functions (inngest/functions) served by the real SDK
 * serve() over HTTP, the embedded runner, a real database (PGlite, or Postgres with DATABASE_URL)
 * and the GPU simulator (its own process) behind the A1111 adapter, failing 20% of calls and
 * hanging 5% of them; the provider's timeout is 1.5 s so the hung calls resolve quickly.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { resetBlobStoreForTests } from "@/lib/storage";
import {
  batchFacts,
  batchProgress,
  freePort,
  queueDraftBatch,
  startPipeline,
  waitFor,
} from "./testing/pipeline-harness";
import { createScratchDatabase } from "./testing/scratch-database";
import { spawnSimulator } from "./testing/simulator-process";

const TXT2IMG = "/sdapi/v1/txt2img";
const CONCURRENCY = 8;
const FAULTS = { errorRate: 0.2, timeoutRate: 0.05, latencyMs: 20 };
const TIMEOUT_MS = 1_500;

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-resilience-"));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Facts = Awaited<ReturnType<typeof batchFacts>>;

/** What must hold for every finished batch, crash or not. Returns the succeeded ids, sorted. */
function expectSettled(facts: Facts, total: number): string[] {
  expect(facts.gens).toHaveLength(total);
  expect(new Set(facts.gens.map((g) => g.id)).size).toBe(total);
  expect(facts.batch.status).toBe("completed");
  for (const g of facts.gens) {
    if (g.status === "dead_lettered") expect(g.errorCode, `generation ${g.id}`).toMatch(/^[a-z_]+$/);
    else expect(g.status, `generation ${g.id}`).toBe("succeeded");
  }
  // No two ledger rows share a call key. (The unique index refuses a second row and the writer
  // uses onConflictDoNothing, so a reused key would hide a call: the counts below catch that.)
  expect(new Set(facts.ledger.map((l) => l.callKey)).size).toBe(facts.ledger.length);
  // Every success recorded once: one audit row and one "succeeded" ledger row per generation.
  const succeeded = facts.gens
    .filter((g) => g.status === "succeeded")
    .map((g) => g.id)
    .sort();
  expect([...facts.succeededAudits].sort()).toEqual(succeeded);
  expect(
    facts.ledger
      .filter((l) => l.outcome === "succeeded")
      .map((l) => l.generationId)
      .sort(),
  ).toEqual(succeeded);
  // With five attempts at a 25% fault rate nearly everything succeeds; the rest carry a reason.
  expect(succeeded.length).toBeGreaterThan(total * 0.95);
  return succeeded;
}

/** The call keys runGeneration claims: `<generation>:generate:<n>` for n = 1 … attempts. */
function claimedCallKeys(facts: Facts): string[] {
  return facts.gens.flatMap((g) => Array.from({ length: g.attempts }, (_, i) => `${g.id}:generate:${i + 1}`));
}

/** Generation ids with an original.png in a local blob store (a blob exists once its sidecar does). */
function originalsOnDisk(blobRoot: string): string[] {
  const dir = path.join(blobRoot, "meta", "generations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(path.join(dir, id, "original.png.json")))
    .sort();
}

describe("a 200-generation batch with 20% provider errors and 5% timeouts", () => {
  it("ends with every generation succeeded or dead-lettered with a reason, and one ledger row per provider call", async () => {
    // lib/env is read when the function modules load (concurrency, throttle, the runner's URL).
    vi.stubEnv("KILN_PROVIDER_CONCURRENCY", String(CONCURRENCY));
    vi.stubEnv("KILN_USER_GENERATIONS_PER_MINUTE", "100000");
    vi.stubEnv("KILN_RUNNER_PORT", String(await freePort()));
    vi.stubEnv("KILN_DATA_DIR", path.join(tmp, "in-process"));
    vi.stubEnv("INNGEST_DEV", "");
    resetEnvForTests();
    resetBlobStoreForTests();
    cleanups.push(() => (vi.unstubAllEnvs(), resetEnvForTests(), resetBlobStoreForTests()));
    // The SDK logs every failed step (a few hundred here, by design); keep the output readable.
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    cleanups.push(() => vi.restoreAllMocks());

    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    const sim = await spawnSimulator({ ...FAULTS, faultSeed: 4242 });
    cleanups.push(() => sim.close());
    const pipeline = await startPipeline({ database, runnerPort: Number(process.env.KILN_RUNNER_PORT) });
    cleanups.push(() => pipeline.close());

    const { batch, ctx } = await queueDraftBatch({
      db: database.db,
      simulatorUrl: sim.url,
      rows: 50,
      variantsPerRow: 4,
      timeoutMs: TIMEOUT_MS,
      concurrencyLimit: CONCURRENCY,
      key: "resilience-200",
    });
    expect(batch.total).toBe(200);
    await pipeline.start(ctx, batch.id);
    await waitFor(
      async () => (await batchProgress(database.db, batch.id)).batchStatus === "completed",
      200_000,
      "the batch to complete",
      250,
    );
    // The runs themselves end a moment after the last generation settles.
    await waitFor(
      async () =>
        (
          await database.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status IN ('queued', 'running')",
          )
        )[0]!.n === 0,
      60_000,
      "the runs to finish",
    );

    const facts = await batchFacts(database.db, batch.id);
    const succeeded = expectSettled(facts, 200);
    const stats = await sim.stats();
    const calls = stats.calls[TXT2IMG]!;
    // Exactly one ledger row per call the simulator received, and every claimed call made.
    expect(facts.ledger).toHaveLength(calls);
    expect(facts.ledger.map((l) => l.callKey).sort()).toEqual(claimedCallKeys(facts).sort());
    // The faults really happened, and each was recorded as what it was.
    expect(stats.injected.error).toBeGreaterThan(20);
    expect(stats.injected.timeout).toBeGreaterThan(3);
    // Every injected hang is a timeout row; on a loaded machine a slow but healthy call can also
    // hit the client's deadline, so timeouts may exceed the injected ones — never the reverse.
    // Likewise an injected error answered after the deadline is recorded as a timeout: errors can
    // only move into the timeout column, and no fault goes unrecorded.
    const timeouts = facts.ledger.filter((l) => l.errorKind === "timeout").length;
    const errors = facts.ledger.filter((l) => l.outcome === "failed" && l.errorKind !== "timeout").length;
    expect(timeouts).toBeGreaterThanOrEqual(stats.injected.timeout);
    expect(errors).toBeLessThanOrEqual(stats.injected.error);
    expect(errors + timeouts).toBeGreaterThanOrEqual(stats.injected.error + stats.injected.timeout);
    // One original image per succeeded generation, none for the others.
    expect(originalsOnDisk(path.join(tmp, "in-process", "blobs"))).toEqual(succeeded);
  }, 300_000);
});

describe("SIGKILL of the app and runner mid-batch", () => {
  it("finishes the batch after a restart with no duplicate images and exactly one ledger row per provider call", async () => {
    const ROWS = 30;
    const VARIANTS = 4;
    const TOTAL = ROWS * VARIANTS;
    const C = 4;
    // A longer client deadline here, so the kill phase's slow calls (well within it) overlap in all
    // C slots even when the per-image work around each call is slow on a loaded machine.
    const CRASH_TIMEOUT_MS = 4_000;
    const KILL_PHASE_LATENCY_MS = 3_000;
    const dataDir = path.join(tmp, "crash");
    const sim = await spawnSimulator({ ...FAULTS, latencyMs: 100, faultSeed: 777 });
    cleanups.push(() => sim.close());
    const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
    if (scratch) cleanups.push(() => scratch.drop());
    const [appPort, runnerPort] = [await freePort(), await freePort()];
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      KILN_DATA_DIR: dataDir,
      DATABASE_URL: scratch?.url ?? "",
      KILN_PROVIDER_CONCURRENCY: String(C),
      KILN_USER_GENERATIONS_PER_MINUTE: "100000",
      KILN_RUNNER_PORT: String(runnerPort),
      INNGEST_DEV: "",
    };

    type Progress = { terminal: number; total: number; status: string; openRuns: number };
    const start = (mode: "queue" | "resume") => {
      // `node --import tsx` keeps it one process, so SIGKILL really kills the app and the runner.
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.resolve("lib/generation/resilience-child.ts"),
          mode,
          sim.url,
          String(appPort),
          String(runnerPort),
          String(ROWS),
          String(VARIANTS),
          String(CRASH_TIMEOUT_MS),
          String(C),
        ],
        { env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
      );
      cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
      let stderr = "";
      let latest: Progress | undefined;
      let batchId: string | undefined;
      child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
      let buffered = "";
      child.stdout!.on("data", (d) => {
        buffered += d;
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) {
          const [kind, ...rest] = line.split(" ");
          if (kind === "batch") batchId = rest[0];
          if (kind === "progress")
            latest = { terminal: Number(rest[0]), total: Number(rest[1]), status: rest[2]!, openRuns: Number(rest[3]) };
        }
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      return {
        child,
        exited,
        batchId: () => batchId,
        until: (check: (p: Progress) => boolean, timeoutMs: number, what: string) =>
          waitFor(
            async () => {
              if (child.exitCode !== null || child.signalCode !== null)
                throw new Error(`the child exited early: ${stderr}`);
              return latest && check(latest) && latest;
            },
            timeoutMs,
            `${what} (last: ${JSON.stringify(latest)}; stderr: ${stderr.slice(-500)})`,
            50,
          ),
      };
    };

    // First life: queue, run until about 40% of the batch has settled, then SIGKILL while all C
    // of the endpoint's slots are calls the simulator has received: slower calls (still within the
    // client's deadline) and no hangs, so the moment comes soon and no call ends in the few
    // milliseconds between seeing it and the kill. Each of those C calls then has a write-ahead
    // record and no ledger row; the restart must give each exactly one.
    const first = start("queue");
    const atKill = await first.until((p) => p.terminal >= TOTAL * 0.4 && p.openRuns > 0, 150_000, "40% of the batch");
    await sim.setConfig({ latencyMs: KILL_PHASE_LATENCY_MS, timeoutRate: 0 });
    await waitFor(async () => (await sim.stats()).inFlight === C, 60_000, `${C} calls in flight at the simulator`, 5);
    first.child.kill("SIGKILL");
    await first.exited;
    await sim.setConfig({ latencyMs: 100, timeoutRate: FAULTS.timeoutRate });
    const batchId = first.batchId()!;
    expect(batchId).toBeTruthy();

    // Second life: nothing is re-sent; the runner resumes from its tables.
    const second = start("resume");
    await second.until(
      (p) => p.status === "completed" && p.openRuns === 0,
      180_000,
      "the batch to complete after the restart",
    );
    second.child.kill("SIGTERM");
    await second.exited;

    // The child has closed the database; open it here to look.
    const database: Database = scratch
      ? await openDatabase({ url: scratch.url })
      : await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    try {
      const facts = await batchFacts(database.db, batchId);
      const succeeded = expectSettled(facts, TOTAL);
      // One original blob per succeeded generation (keys are per generation, so a repeated call
      // overwrites rather than duplicates), and none for a dead-lettered one.
      expect(originalsOnDisk(path.join(dataDir, "blobs"))).toEqual(succeeded);
      // Each generation was requested once and run by one run: the fan-out's event ids held
      // across the restart.
      const [runs] = await database.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT event->'data'->>'generationId')::int AS distinct
         FROM inngest_runner_runs WHERE function_id LIKE '%generation-generate-image'`,
      );
      expect(runs).toEqual({ n: TOTAL, distinct: TOTAL });

      // The ledger against the provider, exactly: one row per call the simulator received —
      // including the C calls the kill cut, each ledgered once as "interrupted" after the restart
      // from its write-ahead record (billing nothing: the simulator is a self-hosted endpoint).
      const stats = await sim.stats();
      const simCalls = stats.calls[TXT2IMG]!;
      const claimed = claimedCallKeys(facts);
      expect(facts.ledger).toHaveLength(simCalls);
      expect(facts.ledger.map((l) => l.callKey).sort()).toEqual([...claimed].sort());
      const interrupted = facts.ledger.filter((l) => l.outcome === "interrupted");
      expect(interrupted).toHaveLength(C);
      for (const row of interrupted)
        expect(row).toMatchObject({ billable: false, micros: 0, errorKind: "interrupted" });
      // Every call record ended with its ledger row.
      const [open] = await database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM provider_calls WHERE ended_at IS NULL",
      );
      expect(open!.n).toBe(0);
      console.log(
        `[resilience] killed with ${atKill.terminal}/${TOTAL} settled and ${atKill.openRuns} runs open; after the restart: ` +
          `${succeeded.length} succeeded, ${TOTAL - succeeded.length} dead-lettered, ${simCalls} provider calls, ` +
          `${facts.ledger.length} ledger rows, ${interrupted.length} of them interrupted by the kill (${database.kind})`,
      );
    } finally {
      await database.close();
    }
  }, 420_000);
});
