/**
 * Resuming wakes parked work: a generation parked on a paused GPU endpoint, or by the global
 * "pause all generation" switch, waits for the resume's event (kiln/generation.resumed) rather than
 * sleeping out its 30 s poll. End to end: the app's functions served by the real SDK over HTTP, the
 * embedded runner, a real database and the GPU simulator.
 *
 * What shows that the event woke the run, not the poll: the runner records a waitForEvent step's
 * data as the event that matched it, and as null when the wait timed out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { providers } from "@/db/schema";
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
import type { ResumeSender } from "./resume-sender";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-resume-"));
let database: Database;
let sim: RunningSimulator;
let pipeline: RunningPipeline;
let resumed: ResumeSender;
let admin: ReturnType<typeof ctxFor>;
let simulatorId: string;

beforeAll(async () => {
  const runnerPort = await stubPipelineEnv(tmp);
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

/** The batch's one generate run, once it is parked in the named wait (its runner job is there). */
async function parkedIn(stepPrefix: string) {
  return waitFor(
    async () => {
      const [job] = await database.query<{ run_id: string; step_id: string }>(
        "SELECT run_id, step_id FROM inngest_runner_jobs WHERE kind = 'wait' AND name LIKE $1",
        [`${stepPrefix}%`],
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

/** What the runner recorded for the run's wait: the matching event, or null had it timed out. */
async function waitOutcome(runId: string, stepPrefix: string) {
  const rows = await database.query<{ status: string; data: unknown }>(
    "SELECT status, data FROM inngest_runner_steps WHERE run_id = $1 AND name LIKE $2",
    [runId, `${stepPrefix}%`],
  );
  return rows.map((r) => ({ status: r.status, data: typeof r.data === "string" ? JSON.parse(r.data) : r.data }));
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
    expect(await waitOutcome(parked.run_id, "endpoint-paused-")).toEqual([
      {
        status: "completed",
        data: expect.objectContaining({ name: "kiln/generation.resumed", data: { providerId: simulatorId } }),
      },
    ]);
  });

  it("turning off 'pause all generation' wakes work parked by it", async () => {
    const { batchId, designer } = await queueOneImage("resume-all");
    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: true, reason: "Provider maintenance" } });
    await pipeline.start(designer, batchId);
    const parked = await parkedIn("generation-paused-");

    await setSwitch({ ctx: admin, input: { key: "generation_paused", enabled: false }, resumed });
    expect((await finished(batchId)).byStatus).toEqual({ succeeded: 1 });
    expect(await waitOutcome(parked.run_id, "generation-paused-")).toEqual([
      {
        status: "completed",
        data: expect.objectContaining({ name: "kiln/generation.resumed", data: { providerId: null } }),
      },
    ]);
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
