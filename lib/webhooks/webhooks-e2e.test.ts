/**
 * Issue 17's browser-free end-to-end test of webhooks: the real deliver function (inngest/functions/
 * webhooks) served by the real SDK serve() over HTTP and driven by the embedded runner, the real
 * generation pipeline against the GPU simulator, and receivers on loopback (node:http) that verify
 * every request with the standardwebhooks package.
 *
 *  - A designer's endpoint receives batch.completed when their batch finishes, and asset.approved
 *    after a reviewer's decision, each signed with the endpoint's secret.
 *  - A receiver that fails the first attempts gets the delivery retried on the schedule until it
 *    succeeds (the schedule is shortened through KILN_WEBHOOK_RETRY_SCHEDULE).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import {
  batchProgress,
  freePort,
  queueDraftBatch,
  startPipeline,
  waitFor,
} from "@/lib/generation/testing/pipeline-harness";
import { spawnSimulator } from "@/lib/generation/testing/simulator-process";
import { resetEnvForTests } from "@/lib/env";
import { decideAsset } from "@/lib/review/decide";
import { createAssetInReview } from "@/lib/review/testing";
import { resetBlobStoreForTests } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { createEndpoint } from "./endpoints";
import { startReceiver } from "./testing";

vi.mock("server-only", () => ({}));

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-webhooks-e2e-"));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("webhooks end to end", () => {
  it("delivers signed batch.completed and asset.approved to a loopback receiver, and retries a failing receiver until it succeeds", async () => {
    vi.stubEnv("KILN_RUNNER_PORT", String(await freePort()));
    vi.stubEnv("KILN_DATA_DIR", path.join(tmp, "data"));
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("KILN_WEBHOOK_ALLOW_PRIVATE", "1");
    // Immediately, then 1 s, then 1 s (the engine's shortest sleep): three attempts.
    vi.stubEnv("KILN_WEBHOOK_RETRY_SCHEDULE", "0,1s,1s");
    resetEnvForTests();
    resetBlobStoreForTests();
    cleanups.push(() => (vi.unstubAllEnvs(), resetEnvForTests(), resetBlobStoreForTests()));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    cleanups.push(() => vi.restoreAllMocks());

    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    const sim = await spawnSimulator({ latencyMs: 5 });
    cleanups.push(() => sim.close());
    const pipeline = await startPipeline({ database, runnerPort: Number(process.env.KILN_RUNNER_PORT) });
    cleanups.push(() => pipeline.close());
    const db = database.db;

    // The batch is queued first (it makes the designer); the endpoint is registered before it runs.
    const { batch, ctx: designer } = await queueDraftBatch({
      db,
      simulatorUrl: sim.url,
      rows: 2,
      variantsPerRow: 1,
      key: "webhooks-e2e",
    });
    let secret = "";
    const receiver = await startReceiver({ secrets: () => [secret] });
    cleanups.push(() => receiver.close());
    const endpoint = await createEndpoint({
      ctx: designer,
      input: { url: receiver.url, events: ["batch.completed", "asset.approved"], description: "PIM" },
    });
    secret = endpoint.secret;
    // Another designer's endpoint, subscribed to the same events, must get nothing.
    const other = ctxFor(db, await createUserFactory(db, { role: "designer" }));
    const nosy = await startReceiver();
    cleanups.push(() => nosy.close());
    await createEndpoint({ ctx: other, input: { url: nosy.url, events: ["batch.completed", "asset.approved"] } });

    await pipeline.start(designer, batch.id);
    await waitFor(
      async () => (await batchProgress(db, batch.id)).batchStatus === "completed",
      60_000,
      "the batch to complete",
    );
    const completed = await waitFor(
      async () => receiver.received.find((r) => JSON.parse(r.body).type === "batch.completed"),
      30_000,
      "batch.completed",
    );
    expect(completed.verifiedWith).toEqual([0]);
    expect(JSON.parse(completed.body)).toMatchObject({
      type: "batch.completed",
      data: { batch_id: batch.id, user_id: designer.actor.id, total: 2, succeeded: 2, failed: 0 },
    });

    // A reviewer approves one of the designer's assets.
    const reviewer = ctxFor(db, await createUserFactory(db, { role: "reviewer" }));
    const { asset, version } = await createAssetInReview(db, { ownerId: designer.actor.id });
    await decideAsset({ ctx: reviewer, input: { assetId: asset.id, assetVersionId: version.id, decision: "approve" } });
    const approved = await waitFor(
      async () => receiver.received.find((r) => JSON.parse(r.body).type === "asset.approved"),
      30_000,
      "asset.approved",
    );
    expect(approved.verifiedWith).toEqual([0]);
    expect(JSON.parse(approved.body)).toMatchObject({
      type: "asset.approved",
      data: {
        asset_id: asset.id,
        asset_version_id: version.id,
        reviewer_id: reviewer.actor.id,
        approval_id: expect.stringMatching(/^KA-/),
      },
    });
    expect(approved.headers["webhook-id"]).toMatch(/^msg_/);
    expect(Number(approved.headers["webhook-timestamp"])).toBeGreaterThan(Date.now() / 1000 - 60);
    // Each event was delivered once: no duplicate delivery, although every generation asked for batch.completed.
    expect(receiver.received.filter((r) => JSON.parse(r.body).type === "batch.completed")).toHaveLength(1);
    expect(nosy.received).toHaveLength(0);

    // A receiver that answers 503 twice, then 200: three attempts on the schedule, then succeeded.
    let failingSecret = "";
    const flaky = await startReceiver({
      secrets: () => [failingSecret],
      answer: (n) => (n <= 2 ? { status: 503, body: "busy" } : { status: 200, body: "thanks" }),
    });
    cleanups.push(() => flaky.close());
    const flakyEndpoint = await createEndpoint({
      ctx: designer,
      input: { url: flaky.url, events: ["asset.rejected"] },
    });
    failingSecret = flakyEndpoint.secret;
    const second = await createAssetInReview(db, { ownerId: designer.actor.id });
    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: second.asset.id,
        assetVersionId: second.version.id,
        decision: "reject",
        reasonCode: "brand_guideline",
      },
    });
    const [delivery] = await waitFor(
      async () => {
        const rows = await db
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, flakyEndpoint.endpoint.id));
        return rows[0]?.status === "succeeded" ? rows : null;
      },
      30_000,
      "the flaky receiver's delivery to succeed",
    );
    expect(delivery).toMatchObject({ eventType: "asset.rejected", attempts: 3, lastStatusCode: 200 });
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, delivery!.id))
      .orderBy(webhookAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.responseSnippet])).toEqual([
      [1, 503, "busy"],
      [2, 503, "busy"],
      [3, 200, "thanks"],
    ]);
    // The waits between attempts were the schedule's (1 s each, at least).
    expect(attempts[1]!.at.getTime() - attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(900);
    expect(flaky.received).toHaveLength(3);
    expect(flaky.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
    expect(new Set(flaky.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
  }, 180_000);
});
