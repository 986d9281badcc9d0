/**
 * Resuming wakes parked work: a generation parked on a paused GPU endpoint, by the global "pause all
 * generation" switch or by a budget hold waits for the resume's event (kiln/generation.resumed)
 * rather than sleeping out its poll (30 s; 5 minutes for budgets). End to end: the app's functions served by the real SDK over HTTP, the
 * embedded runner, a real database and the GPU simulator.
 *
 * What shows that the event woke the run, not the poll: the runner records a waitForEvent step's
 * data as the event that matched it, and as null when the wait timed out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { batches, costLedger, generations, providers } from "@/db/schema";
import { createBudget, deactivateBudget, holdCampaignByHand, releaseHold, updateBudget } from "@/lib/budgets";
import { createTestDatabase } from "@/db/testing";
import { SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { setSwitch } from "@/lib/operations/switches/set-switch";
import { setProviderPaused } from "@/lib/providers/admin-pause";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { stubPipelineEnv, unstubPipelineEnv } from "./testing/pipeline-env";
import {
  batchProgress,
  queueDraftBatch,
  startPipeline,
  waitFor,
  type RunningPipeline,
} from "./testing/pipeline-harness";
import type { Resumed, ResumeSender } from "./resume-sender";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-resume-"));
let database: Database;
let sim: RunningSimulator;
let pipeline: RunningPipeline;
let resumed: ResumeSender;
let admin: ReturnType<typeof ctxFor>;
let simulatorId: string;

/** A short run before the hand-on to a fresh run (400 in production), so a test can reach it. */
const WAITS_PER_RUN = 2;

beforeAll(async () => {
  const runnerPort = await stubPipelineEnv(tmp);
  vi.stubEnv("KILN_GENERATION_WAITS_PER_RUN", String(WAITS_PER_RUN));
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  pipeline = await startPipeline({ database, runnerPort });
  // Loaded after the environment is set: the Inngest client reads the runner's port when it loads.
  resumed = (await import("@/inngest/send")).sendGenerationResumed;
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
}, 120_000);
afterAll(async () => {
  await pipeline?.close();
  await sim?.close();
  await database?.close();
  unstubPipelineEnv();
  rmSync(tmp, { recursive: true, force: true });
});

/** Queues a one-image draft batch for a new designer. */
async function queueOneImage(key: string) {
  const { batch, ctx } = await queueDraftBatch({
    db: database.db,
    simulatorUrl: sim.url,
    rows: 1,
    variantsPerRow: 1,
    key,
  });
  simulatorId ??= (await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)))[0]!.id;
  return { batchId: batch.id, designer: ctx };
}

/** A generate run, once it is parked in the named wait (its runner job is there). */
async function parkedIn(stepPrefix: string, notRun = "") {
  return waitFor(
    async () => {
      const [job] = await database.query<{ run_id: string; step_id: string }>(
        "SELECT run_id, step_id FROM inngest_runner_jobs WHERE kind = 'wait' AND name LIKE $1 AND run_id <> $2",
        [`${stepPrefix}%`, notRun],
      );
      return job;
    },
    30_000,
    `a run parked in ${stepPrefix}`,
  );
}

async function finished(batchId: string) {
  await waitFor(async () => (await batchProgress(database.db, batchId)).terminal === 1, 60_000, "the image");
  return batchProgress(database.db, batchId);
}

/**
 * What the runner recorded for the run's wait must be the resume event with `data`: a wait that
 * timed out records null, so the poll cannot pass this.
 */
async function expectWokenBy(runId: string, stepPrefix: string, data: Resumed) {
  const rows = await database.query<{ status: string; data: unknown }>(
    "SELECT status, data FROM inngest_runner_steps WHERE run_id = $1 AND name LIKE $2",
    [runId, `${stepPrefix}%`],
  );
  const outcome = rows.map((r) => ({
    status: r.status,
    data: typeof r.data === "string" ? JSON.parse(r.data) : r.data,
  }));
  expect(outcome).toEqual([
    { status: "completed", data: expect.objectContaining({ name: "kiln/generation.resumed", data }) },
  ]);
}

describe("resuming parked generation", () => {
  it("an endpoint's resume wakes its parked work at once, by its event", async () => {
    const { batchId, designer } = await queueOneImage("resume-endpoint");
    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: true, reason: "Driver update" } });
    await pipeline.start(designer, batchId);
    const parked = await parkedIn("endpoint-paused-");
    expect((await batchProgress(database.db, batchId)).byStatus.succeeded ?? 0).toBe(0);

    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: false }, resumed });
    expect((await finished(batchId)).byStatus).toEqual({ succeeded: 1 });
    await expectWokenBy(parked.run_id, "endpoint-paused-", { scope: "endpoint", providerId: simulatorId });
  });

  it("turning off 'pause all generation' wakes work parked by it", async () => {
    const { batchId, designer } = await queueOneImage("resume-all");
    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: true, reason: "Provider maintenance" } });
    await pipeline.start(designer, batchId);
    const parked = await parkedIn("generation-paused-");

    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: false }, resumed });
    expect((await finished(batchId)).byStatus).toEqual({ succeeded: 1 });
    await expectWokenBy(parked.run_id, "generation-paused-", { scope: "all" });
  });

  it("releasing a campaign's hold wakes its held work", async () => {
    const { batchId, designer } = await queueOneImage("resume-budgets");
    await database.db.update(batches).set({ campaign: "Spring wake" }).where(eq(batches.id, batchId));
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    const hold = await holdCampaignByHand({
      ctx: finance,
      input: { campaign: "Spring wake", detail: "Brief changes" },
    });
    await pipeline.start(designer, batchId);
    const parked = await parkedIn("budget-held-");

    await releaseHold({ ctx: finance, input: { holdId: hold.id }, resumed });
    expect((await finished(batchId)).byStatus).toEqual({ succeeded: 1 });
    await expectWokenBy(parked.run_id, "budget-held-", { scope: "budgets" });
  });

  it("held work woken while still held waits again, and hands on to a fresh run after its waits per run", async () => {
    const { batchId, designer } = await queueOneImage("resume-hand-on");
    await database.db.update(batches).set({ campaign: "Long brief" }).where(eq(batches.id, batchId));
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    const hold = await holdCampaignByHand({
      ctx: finance,
      input: { campaign: "Long brief", detail: "Waiting on legal" },
    });
    const callsBefore = sim.stats().calls["/sdapi/v1/txt2img"] ?? 0;
    await pipeline.start(designer, batchId);
    const first = await parkedIn("budget-held-0");
    // A budget change elsewhere wakes it; still held, it waits again — twice, then hands on.
    await resumed({ scope: "budgets" });
    await parkedIn("budget-held-1");
    await resumed({ scope: "budgets" });
    const second = await parkedIn("budget-held-0", first.run_id);

    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batchId));
    expect(gen!.status).toBe("queued");
    expect(sim.stats().calls["/sdapi/v1/txt2img"] ?? 0).toBe(callsBefore);
    expect(await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen!.id))).toEqual([]);
    const runs = await database.query<{ id: string; status: string; output: unknown; event: unknown }>(
      "SELECT id, status, output, event FROM inngest_runner_runs WHERE id IN ($1, $2)",
      [first.run_id, second.run_id],
    );
    const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const byId = Object.fromEntries(runs.map((r) => [r.id, { ...r, output: json(r.output), event: json(r.event) }]));
    expect(byId[first.run_id]).toMatchObject({ status: "completed", output: { status: "continued", continuation: 1 } });
    // Woken polls are not time waited: the ten-day count carried to the new run is still 0.
    expect(byId[second.run_id]!.event).toMatchObject({
      data: { generationId: gen!.id, waited: { pauses: 0, holds: 0, continuation: 1 } },
    });

    await releaseHold({ ctx: finance, input: { holdId: hold.id }, resumed });
    expect((await finished(batchId)).byStatus).toEqual({ succeeded: 1 });
    expect(await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen!.id))).toHaveLength(1);
  });

  it("editing or deactivating a budget wakes budget-held work too; a failed announcement still saves the change", async () => {
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    const announced: Resumed[] = [];
    const record: ResumeSender = async (what) => void announced.push(what);
    const budget = await createBudget({
      ctx: finance,
      input: { scope: "campaign", scopeKey: "Wake budget", period: "month", limitMicros: 1_000_000 },
    });
    expect(announced).toEqual([]);
    await updateBudget({ ctx: finance, input: { budgetId: budget.id, limitMicros: 2_000_000 }, resumed: record });
    await deactivateBudget({ ctx: finance, input: { budgetId: budget.id }, resumed: record });
    expect(announced).toEqual([{ scope: "budgets" }, { scope: "budgets" }]);

    const failing: ResumeSender = async () => {
      throw new Error("runner unreachable");
    };
    const saved = await updateBudget({
      ctx: finance,
      input: { budgetId: budget.id, limitMicros: 3_000_000, active: true },
      resumed: failing,
    });
    expect(saved).toMatchObject({ limitMicros: 3_000_000, active: true });
  });

  it("a resume whose announcement fails still resumes; only the wake-up is lost", async () => {
    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: true, reason: "GPU swap" } });
    const failing: ResumeSender = async () => {
      throw new Error("runner unreachable");
    };
    const after = await setProviderPaused({
      ctx: admin,
      input: { providerId: simulatorId, paused: false },
      resumed: failing,
    });
    expect(after.paused).toBe(false);
    // Resuming what is not paused announces nothing.
    let sent = 0;
    await setProviderPaused({
      ctx: admin,
      input: { providerId: simulatorId, paused: false },
      resumed: async () => void (sent += 1),
    });
    expect(sent).toBe(0);
  });
});
