/**
 * The check-asset function through the real runner and the SDK's serve() (lib/generation/testing/
 * pipeline-harness.ts): a new generation's check run makes its thumbnail and preview first, in the
 * same run (decision 0031), and an image whose renditions cannot be made is still checked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, generations } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { checkRequested } from "@/inngest/events";
import { shutdownModelChecks } from "@/lib/checks/models";
import { runGeneration } from "@/lib/generation/run-generation";
import { stubPipelineEnv, unstubPipelineEnv } from "@/lib/generation/testing/pipeline-env";
import {
  queueDraftBatch,
  startPipeline,
  waitFor,
  type RunningPipeline,
} from "@/lib/generation/testing/pipeline-harness";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-check-asset-"));
let database: Database;
let sim: RunningSimulator;
let pipeline: RunningPipeline;

beforeAll(async () => {
  const runnerPort = await stubPipelineEnv(tmp);
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  pipeline = await startPipeline({
    database,
    runnerPort,
    withChecks: true,
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
  await shutdownModelChecks();
  await sim?.close();
  await database?.close();
  unstubPipelineEnv();
  rmSync(tmp, { recursive: true, force: true });
});

/** The asset of each generation, with its first version's renditions and its status. */
async function assetsOf(generationIds: string[]) {
  return database.db
    .select({
      generationId: assets.generationId,
      status: assets.status,
      statusReason: assets.statusReason,
      renditions: assetVersions.renditions,
    })
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.assetId, assets.id))
    .where(inArray(assets.generationId, generationIds));
}

async function runsOf(functionSuffix: string, generationId: string) {
  return database.query<{ id: string; status: string; steps: string[] }>(
    `SELECT r.id, r.status, array(SELECT s.name FROM inngest_runner_steps s WHERE s.run_id = r.id ORDER BY s.name) AS steps
       FROM inngest_runner_runs r
      WHERE r.function_id LIKE $1 AND r.event->'data'->>'generationId' = $2`,
    [`%${functionSuffix}`, generationId],
  );
}

/**
 * The generation's check run once it has ended: its steps are recorded when the SDK reports them (with
 * the run's result), a moment after the decision it made was committed.
 */
async function endedCheckRun(generationId: string) {
  await waitFor(
    async () => (await runsOf("checks-check-asset", generationId)).some((r) => r.status === "completed"),
    30_000,
    "the check run to end",
    50,
  );
  return runsOf("checks-check-asset", generationId);
}

describe("check-asset", () => {
  it("makes a new generation's thumbnail and preview in its check run, then decides: one run per image", async () => {
    const { batch, ctx } = await queueDraftBatch({
      db: database.db,
      simulatorUrl: sim.url,
      rows: 1,
      variantsPerRow: 2,
      key: "check-asset-renditions",
    });
    await pipeline.start(ctx, batch.id);
    // The batch's own two images: a check may reject one (the two variants can look alike) and
    // re-roll it, and the re-roll joins the batch while these assertions run.
    const gens = async () =>
      (await database.db.select().from(generations).where(eq(generations.batchId, batch.id))).filter(
        (g) => !g.rerollOf,
      );
    await waitFor(
      async () => {
        const done = (await gens()).filter((g) => g.status === "succeeded").map((g) => g.id);
        if (done.length < 2) return false;
        const rows = await assetsOf(done);
        return rows.length === 2 && rows.every((a) => a.status !== "checking" && a.renditions.thumb);
      },
      90_000,
      "both images rendered and checked",
      100,
    );

    for (const gen of await gens()) {
      const [asset] = await assetsOf([gen.id]);
      // The generation and its asset's first version carry the same stored renditions.
      expect(Object.keys(gen.renditions).sort()).toEqual(["preview", "thumb"]);
      expect(asset!.renditions).toEqual(gen.renditions);
      for (const r of Object.values(gen.renditions)) {
        const blob = await getBlobStore().get(r.key);
        expect(blob, r.key).not.toBeNull();
        expect(blob!.contentType).toBe("image/webp");
      }
      const checkRuns = await endedCheckRun(gen.id);
      expect(checkRuns).toHaveLength(1);
      expect(checkRuns[0]!.steps).toContain("renditions");
      expect(checkRuns[0]!.steps).toContain("decide");
      // No second function run for the renditions.
      expect(await runsOf("generation-make-renditions", gen.id)).toHaveLength(0);
    }
  }, 120_000);

  it("still checks an image whose renditions cannot be made, and sends it to a person", async () => {
    const { batch } = await queueDraftBatch({
      db: database.db,
      simulatorUrl: sim.url,
      rows: 1,
      variantsPerRow: 1,
      key: "check-asset-undecodable",
    });
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    // Generated without the engine (no event sent), then the stored original is replaced by bytes
    // that are not an image: the renditions step fails on every attempt.
    const out = await runGeneration({ db: database.db, store: getBlobStore(), generationId: gen!.id, attempt: 0 });
    expect(out.status).toBe("succeeded");
    const [stored] = await database.db.select().from(generations).where(eq(generations.id, gen!.id));
    await getBlobStore().put(stored!.blobKey!, Buffer.from("not an image at all"), { contentType: "image/png" });

    const { inngest } = await import("@/inngest/client");
    await inngest.send(checkRequested.create({ checkRunId: out.checkRunId!, generationId: gen!.id }));
    await waitFor(
      async () => (await assetsOf([gen!.id]))[0]?.status === "in_review",
      90_000,
      "the undecodable image to reach a person",
      100,
    );
    const [asset] = await assetsOf([gen!.id]);
    expect(asset!.renditions).toEqual({});
    const [run] = await endedCheckRun(gen!.id);
    expect(run!.steps).toEqual(expect.arrayContaining(["renditions", "decide"]));
  }, 120_000);
});
