/**
 * Issue 4, item 8: the generation pipeline under provider faults and under SIGKILL.
 *
 * Both cases run the real thing: the app's functions (inngest/functions) served by the real SDK
 * serve() over HTTP, the embedded runner, a real database and the GPU simulator over HTTP with
 * 20% injected errors and 5% hung calls (the provider's timeout is 1.5 s so those resolve fast).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { resetBlobStoreForTests } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { batchFacts, batchProgress, freePort, queueDraftBatch, startPipeline, waitFor } from "./testing/pipeline-harness";

const TXT2IMG = "/sdapi/v1/txt2img";
const CONCURRENCY = 8;
const FAULTS = { errorRate: 0.2, timeoutRate: 0.05, latencyMs: 20 };
const TIMEOUT_MS = 1_500;

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-resilience-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Facts = Awaited<ReturnType<typeof batchFacts>>;

/** What must hold for every finished batch, crash or not. */
function expectSettled(facts: Facts, total: number) {
  expect(facts.gens).toHaveLength(total);
  expect(new Set(facts.gens.map((g) => g.id)).size).toBe(total);
  expect(facts.batch.status).toBe("completed");
  for (const g of facts.gens) {
    if (g.status === "dead_lettered") expect(g.errorCode, `generation ${g.id}`).toMatch(/^[a-z_]+$/);
    else expect(g.status, `generation ${g.id}`).toBe("succeeded");
  }
  // No two ledger rows share a call key (the unique index would refuse them; onConflictDoNothing
  // would hide the second call, which the count against the simulator below catches).
  expect(new Set(facts.ledger.map((l) => l.callKey)).size).toBe(facts.ledger.length);
  // Each success was recorded once: one audit row, one success row in the ledger.
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
  return succeeded;
}

describe("a 200-generation batch with 20% provider errors and 5% timeouts", () => {
  let sim: RunningSimulator;
  let closeAll: () => Promise<void> = async () => {};
  beforeAll(async () => {
    // lib/env is read when the function modules load (concurrency, throttle, runner URL).
    vi.stubEnv("KILN_PROVIDER_CONCURRENCY", String(CONCURRENCY));
    vi.stubEnv("KILN_USER_GENERATIONS_PER_MINUTE", "100000");
    vi.stubEnv("KILN_RUNNER_PORT", String(await freePort()));
    vi.stubEnv("KILN_DATA_DIR", path.join(tmp, "in-process"));
    vi.stubEnv("INNGEST_DEV", "");
    resetEnvForTests();
    resetBlobStoreForTests();
  });
  afterAll(async () => {
    await closeAll();
    vi.unstubAllEnvs();
    resetEnvForTests();
    resetBlobStoreForTests();
  });

  it("ends with every generation succeeded or dead-lettered with a reason, and one ledger row per provider call", async () => {
    const database = await createTestDatabase();
    sim = await startSimulator({ port: 0, ...FAULTS, faultSeed: 4242 });
    const pipeline = await startPipeline({ database, runnerPort: Number(process.env.KILN_RUNNER_PORT) });
    closeAll = async () => {
      await pipeline.close();
      await sim.close();
      await database.close();
    };
    const { batch, ctx } = await queueDraftBatch({
      db: database.db,
      simulatorUrl: sim.url,
      rows: 50,
      variantsPerRow: 4,
      timeoutMs: TIMEOUT_MS,
      key: "resilience-200",
    });
    expect(batch.total).toBe(200);
    await pipeline.start(ctx, batch.id);

    await waitFor(async () => (await batchProgress(database.db, batch.id)).batchStatus === "completed", 75_000, "the batch to complete", 250);
    // The runs themselves finish a moment after the last generation settles.
    await waitFor(
      async () => (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status IN ('queued', 'running')"))[0]!.n === 0,
      15_000,
      "the runs to finish",
    );

    const facts = await batchFacts(database.db, batch.id);
    const succeeded = expectSettled(facts, 200);
    const stats = sim.stats();
    // Exactly one ledger row per call the simulator received, and one claim per call.
    expect(facts.ledger).toHaveLength(stats.calls[TXT2IMG]!);
    expect(facts.gens.reduce((n, g) => n + g.attempts, 0)).toBe(stats.calls[TXT2IMG]);
    // The faults really happened, and were recorded as what they were.
    expect(stats.injected.error).toBeGreaterThan(10);
    expect(stats.injected.timeout).toBeGreaterThan(2);
    expect(facts.ledger.filter((l) => l.errorKind === "timeout")).toHaveLength(stats.injected.timeout);
    expect(facts.ledger.filter((l) => l.outcome === "failed")).toHaveLength(stats.injected.error + stats.injected.timeout);
    // With five attempts at a 25% fault rate nearly everything succeeds; the rest carry a reason.
    expect(succeeded.length).toBeGreaterThan(190);
    // One original image (plus its renditions) per succeeded generation, none for the others.
    expect(originalsOnDisk(path.join(tmp, "in-process", "blobs")).sort()).toEqual(succeeded);
  }, 90_000);
});

/** Generation ids that have an original.png in a local blob store (the sidecar is the commit point). */
function originalsOnDisk(blobRoot: string): string[] {
  const dir = path.join(blobRoot, "meta", "generations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => existsSync(path.join(dir, id, "original.png.json")));
}
