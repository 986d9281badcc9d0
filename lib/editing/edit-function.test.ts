/**
 * The edit-asset function end to end: the app's functions served by the real SDK serve() over
 * HTTP, the embedded runner driving them, a real database and the GPU simulator behind the A1111
 * adapter. Retries with backoff for transient failures, none for a 4xx, onFailure's reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetEdits, assetVersions, costLedger, providers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { stubPipelineEnv, unstubPipelineEnv } from "@/lib/generation/testing/pipeline-env";
import { startPipeline, waitFor, type RunningPipeline } from "@/lib/generation/testing/pipeline-harness";
import { sendJson, startFakeServer, type FakeServer } from "@/lib/providers/testing/fake-server";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { requestEdit, type EditSender } from "./request-edit";
import { setEditorEngine } from "./settings";
import { generateAsset, paintedMask } from "./testing";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-edit-fn-"));
let database: Database;
let sim: RunningSimulator;
let fake: FakeServer;
let pipeline: RunningPipeline;
let send: EditSender;
let designer: ReturnType<typeof ctxFor>;
let admin: ReturnType<typeof ctxFor>;
let n = 0;

beforeAll(async () => {
  const runnerPort = await stubPipelineEnv(tmp);
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  fake = await startFakeServer();
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  pipeline = await startPipeline({ database, runnerPort });
  // Loaded after the environment is set: the Inngest client reads the runner's port when it loads.
  send = (await import("@/inngest/send")).editSender;
}, 120_000);
afterAll(async () => {
  await pipeline?.close();
  await fake?.close();
  await sim?.close();
  await database?.close();
  unstubPipelineEnv();
  rmSync(tmp, { recursive: true, force: true });
});

const settled = (editId: string) =>
  waitFor(
    async () => {
      const [e] = await database.db.select().from(assetEdits).where(eq(assetEdits.id, editId));
      return e && (e.status === "succeeded" || e.status === "failed") ? e : null;
    },
    60_000,
    `edit ${editId} to finish`,
  );

describe("the edit-asset function", () => {
  it("erases as a background job: the new version, its renditions, progress 100, one ledger row", async () => {
    const { asset, v1 } = await generateAsset(database.db, designer);
    const mask = await paintedMask(v1.width, v1.height, { left: 100, top: 100, width: 80, height: 60 });
    const { edit } = await requestEdit({
      ctx: designer,
      input: { assetId: asset.id, operation: "erase", sourceVersionNumber: 1, mask, idempotencyKey: `fn-${++n}-erase` },
      store: getBlobStore(),
      send,
    });
    const done = await settled(edit.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, costMicros: 3_000 });
    const version = await waitFor(
      async () => {
        const [v] = await database.db.select().from(assetVersions).where(eq(assetVersions.id, done.resultVersionId!));
        return v?.renditions.thumb ? v : null;
      },
      30_000,
      "renditions of the new version",
    );
    expect(version).toMatchObject({ number: 2, operation: "erase", editId: edit.id });
    expect(version.renditions.preview?.contentType).toBe("image/webp");
    expect(await database.db.select().from(costLedger).where(eq(costLedger.editId, edit.id))).toHaveLength(1);
  });

  it("retries a failing GPU endpoint with backoff, a ledger row per call, then marks the edit failed with the reason", async () => {
    const { asset } = await generateAsset(database.db, designer);
    sim.setConfig({ errorRate: 1 });
    try {
      const { edit } = await requestEdit({
        ctx: designer,
        input: {
          assetId: asset.id,
          operation: "upscale",
          sourceVersionNumber: 1,
          params: { scale: 2 },
          idempotencyKey: `fn-${++n}-oom`,
        },
        store: getBlobStore(),
        send,
      });
      const failed = await settled(edit.id);
      expect(failed.status).toBe("failed");
      expect(failed.errorCode).toBe("transient");
      expect(failed.errorMessage).toContain("failed several times");
      expect(failed.errorMessage).toContain("CUDA out of memory");
      const rows = await database.db.select().from(costLedger).where(eq(costLedger.editId, edit.id));
      expect(rows).toHaveLength(4); // the first call and three retries
      expect(rows.every((r) => r.outcome === "failed" && !r.billable && r.micros === 0)).toBe(true);
      expect(await database.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset.id))).toHaveLength(1);
    } finally {
      sim.setConfig({ errorRate: 0 });
    }
  });

  it("does not retry a request the endpoint refuses (4xx)", async () => {
    fake.route("POST", "/sdapi/v1/extra-single-image", (_req, res) =>
      sendJson(res, 422, {
        detail: [
          { type: "value_error", loc: ["body", "upscaling_resize"], msg: "Upscaled size exceeds 8192 pixels per side" },
        ],
      }),
    );
    const [refusing] = await database.db
      .insert(providers)
      .values({ slug: "refusing", name: "Refusing A1111", kind: "a1111", baseUrl: fake.url, allowPrivate: true })
      .returning();
    await setEditorEngine({ ctx: admin, input: { operation: "upscale", engine: "a1111", providerId: refusing!.id } });
    const { asset } = await generateAsset(database.db, designer);
    const { edit } = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 4 },
        idempotencyKey: `fn-${++n}-422`,
      },
      store: getBlobStore(),
      send,
    });
    const failed = await settled(edit.id);
    expect(failed).toMatchObject({ status: "failed", errorCode: "invalid_request" });
    expect(failed.errorMessage).toContain("exceeds 8192");
    expect(await database.db.select().from(costLedger).where(eq(costLedger.editId, edit.id))).toHaveLength(1);
    expect(fake.received("POST", "/sdapi/v1/extra-single-image")).toHaveLength(1);
  });
});
