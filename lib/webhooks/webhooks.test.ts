import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  auditEvents,
  checkRuns,
  budgets,
  exportJobs,
  notifications,
  teams,
  users,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "@/db/schema";
import { raiseBudgetAlerts } from "@/lib/budgets/alerts";
import type { BudgetStatus } from "@/lib/budgets/status";
import { finishExport } from "@/lib/exports/build";
import { deadLetterGeneration } from "@/lib/generation/run-generation";
import { sweepRightsExpiry } from "@/lib/rights/sweep";
import { getBlobStore } from "@/lib/storage";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { decideAsset } from "@/lib/review/decide";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import { attemptDelivery, giveUpDelivery } from "./deliver";
import { listDeliveries, redeliver, sendTestEvent } from "./deliveries";
import { emitWebhookEvent, type WebhookSender } from "./emit";
import { webhooksAfterCheckDecision } from "./hooks";
import { createEndpoint, deleteEndpoint, listEndpoints, revealSecret, rotateSecret, updateEndpoint } from "./endpoints";
import { parseSchedule, retrySchedule, STANDARD_SCHEDULE_MS } from "./schedule";
import { startReceiver } from "./testing";

vi.mock("server-only", () => ({}));

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx; // designer in team Brand, owns the assets
let gus: TestCtx; // designer in team Growth
let rita: TestCtx; // reviewer
let ada: TestCtx; // admin
let brand: string;
let growth: string;

/** What the engine was asked to deliver (the deliver function itself is run in webhooks-e2e.test.ts). */
const sent: string[] = [];
const send: WebhookSender = async (ds) => void sent.push(...ds.map((d) => d.deliveryId));

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function allowPrivate(on: boolean) {
  vi.stubEnv("KILN_WEBHOOK_ALLOW_PRIVATE", on ? "1" : "0");
  resetEnvForTests();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  [{ id: brand }, { id: growth }] = (await database.db
    .insert(teams)
    .values([{ name: "Brand" }, { name: "Growth" }])
    .returning({ id: teams.id })) as [{ id: string }, { id: string }];
  const user = async (role: "designer" | "reviewer" | "admin", name: string, teamId: string | null) => {
    const u = await createUserFactory(database.db, { role, name });
    if (teamId) await database.db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(database.db, u);
  };
  dana = await user("designer", "Dana", brand);
  gus = await user("designer", "Gus", growth);
  rita = await user("reviewer", "Rita", null);
  ada = await user("admin", "Ada", null);
}, 60_000);
afterAll(() => database.close());
beforeEach(() => {
  sent.length = 0;
  allowPrivate(true);
  return () => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  };
});

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (e: unknown) =>
      e instanceof AppError
        ? `${e.code}${e.fields ? `:${Object.keys(e.fields).join(",")}` : ""}`
        : `not an AppError: ${String(e)}`,
  );
}

async function approveNewAsset(): Promise<string> {
  const { asset, version } = await createAssetInReview(database.db, { ownerId: dana.actor.id });
  await decideAsset({ ctx: rita, input: { assetId: asset.id, assetVersionId: version.id, decision: "approve" } });
  return asset.id;
}

async function deliveriesOf(endpointId: string) {
  return database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
}

describe("registering endpoints", () => {
  it("refuses loopback and metadata addresses by default, and metadata even when private addresses are allowed", async () => {
    allowPrivate(false);
    expect(
      await codeOf(
        createEndpoint({ ctx: dana, input: { url: "http://127.0.0.1:8080/hook", events: ["asset.approved"] } }),
      ),
    ).toBe("invalid_input:url");
    expect(
      await codeOf(createEndpoint({ ctx: dana, input: { url: "http://10.1.2.3/hook", events: ["asset.approved"] } })),
    ).toBe("invalid_input:url");
    allowPrivate(true);
    expect(
      await codeOf(
        createEndpoint({
          ctx: dana,
          input: { url: "http://169.254.169.254/latest/meta-data", events: ["asset.approved"] },
        }),
      ),
    ).toBe("invalid_input:url");
    expect(
      await codeOf(createEndpoint({ ctx: dana, input: { url: "ftp://example.com/x", events: ["asset.approved"] } })),
    ).toBe("invalid_input:url");
    expect(
      await codeOf(
        createEndpoint({ ctx: dana, input: { url: "https://user:pw@example.com/x", events: ["asset.approved"] } }),
      ),
    ).toBe("invalid_input:url");
    expect(
      await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.ownerUserId, dana.actor.id)),
    ).toHaveLength(0);
  });

  it("validates events, lets only admins register team endpoints, and hides others' endpoints", async () => {
    expect(await codeOf(createEndpoint({ ctx: dana, input: { url: "http://127.0.0.1:1/h", events: [] } }))).toBe(
      "invalid_input:events",
    );
    expect(
      await codeOf(createEndpoint({ ctx: dana, input: { url: "http://127.0.0.1:1/h", events: ["asset.exploded"] } })),
    ).toBe("invalid_input:events.0");
    expect(
      await codeOf(
        createEndpoint({
          ctx: dana,
          input: { url: "http://127.0.0.1:1/h", events: ["asset.approved"], teamId: brand },
        }),
      ),
    ).toBe("forbidden");
    const mine = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/h", events: ["asset.approved", "asset.approved"], description: "CMS" },
    });
    expect(mine.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(mine.endpoint.events).toEqual(["asset.approved"]);
    const [row] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, mine.endpoint.id));
    expect(row!.secretSealed).not.toContain(mine.secret.slice(6, 20)); // sealed at rest
    expect((await revealSecret({ ctx: dana, endpointId: mine.endpoint.id })).secret).toBe(mine.secret);
    expect(await codeOf(revealSecret({ ctx: gus, endpointId: mine.endpoint.id }))).toBe("not_found");
    expect(await codeOf(updateEndpoint({ ctx: gus, endpointId: mine.endpoint.id, input: { enabled: false } }))).toBe(
      "not_found",
    );
    expect(await codeOf(deleteEndpoint({ ctx: ada, endpointId: mine.endpoint.id }))).toBe("not_found");
    expect((await listEndpoints({ ctx: gus })).map((e) => e.id)).not.toContain(mine.endpoint.id);
    const team = await createEndpoint({
      ctx: ada,
      input: { url: "http://127.0.0.1:1/t", events: ["batch.completed"], teamId: brand },
    });
    expect(team.endpoint.owner).toEqual({ kind: "team", teamId: brand, teamName: "Brand" });
    expect((await listEndpoints({ ctx: ada })).map((e) => e.id)).toContain(team.endpoint.id);
    expect((await listEndpoints({ ctx: dana })).map((e) => e.id)).not.toContain(team.endpoint.id);
    allowPrivate(false);
    expect(
      await codeOf(updateEndpoint({ ctx: dana, endpointId: mine.endpoint.id, input: { url: "http://127.0.0.1:2/h" } })),
    ).toBe("invalid_input:url");
    await deleteEndpoint({ ctx: dana, endpointId: mine.endpoint.id });
    await deleteEndpoint({ ctx: ada, endpointId: team.endpoint.id });
    const actions = (await database.db.select({ action: auditEvents.action }).from(auditEvents)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["webhook.endpoint_created", "webhook.secret_revealed", "webhook.endpoint_deleted"]),
    );
  });
});

describe("emitting events", () => {
  it("delivers a reviewer's decision to the owner's, the reviewer's and the owner's team's endpoints, and nothing to another designer's", async () => {
    const own = await createEndpoint({ ctx: dana, input: { url: "http://127.0.0.1:1/a", events: ["asset.approved"] } });
    const other = await createEndpoint({
      ctx: gus,
      input: { url: "http://127.0.0.1:1/b", events: ["asset.approved", "asset.rejected"] },
    });
    const reviewer = await createEndpoint({
      ctx: rita,
      input: { url: "http://127.0.0.1:1/c", events: ["asset.approved"] },
    });
    const team = await createEndpoint({
      ctx: ada,
      input: { url: "http://127.0.0.1:1/d", events: ["asset.approved"], teamId: brand },
    });
    const otherTeam = await createEndpoint({
      ctx: ada,
      input: { url: "http://127.0.0.1:1/e", events: ["asset.approved"], teamId: growth },
    });
    const unsubscribed = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/f", events: ["asset.rejected"] },
    });
    cleanups.push(async () => {
      for (const e of [own, reviewer, unsubscribed])
        await database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.endpoint.id));
      for (const e of [other, team, otherTeam])
        await database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.endpoint.id));
    });
    // decideAsset's hook uses the engine's sender; here the delivery rows are what is checked.
    vi.doMock("@/inngest/send-webhooks", () => ({ sendWebhookDeliveries: send }));
    cleanups.push(() => vi.doUnmock("@/inngest/send-webhooks"));
    const assetId = await approveNewAsset();
    const got = async (e: { endpoint: { id: string } }) => (await deliveriesOf(e.endpoint.id)).length;
    expect(await got(own)).toBe(1);
    expect(await got(reviewer)).toBe(1);
    expect(await got(team)).toBe(1);
    expect(await got(other)).toBe(0);
    expect(await got(otherTeam)).toBe(0);
    expect(await got(unsubscribed)).toBe(0);
    const [delivery] = await deliveriesOf(own.endpoint.id);
    expect(delivery!.messageId).toMatch(/^msg_/);
    expect(delivery!.payload).toMatchObject({
      type: "asset.approved",
      data: {
        asset_id: assetId,
        decision: "approve",
        owner_id: dana.actor.id,
        reviewer_id: rita.actor.id,
        approval_id: expect.stringMatching(/^KA-/),
      },
    });
    expect(sent).toHaveLength(3);
  });

  it("tells the owner when the checks decided alone: asset.rejected for a failed check, asset.approved for a tier without review, nothing while it waits for review", async () => {
    const own = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/checks", events: ["asset.approved", "asset.rejected"] },
    });
    const other = await createEndpoint({
      ctx: gus,
      input: { url: "http://127.0.0.1:1/other", events: ["asset.approved", "asset.rejected"] },
    });
    cleanups.push(async () => {
      for (const e of [own, other])
        await database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.endpoint.id));
    });
    const checked = async (status: "rejected" | "approved" | "in_review", tier: "support" | "draft") => {
      const { asset, version } = await createAssetInReview(database.db, { ownerId: dana.actor.id, tier });
      await database.db.update(assets).set({ status }).where(eq(assets.id, asset.id));
      const [run] = await database.db
        .update(checkRuns)
        .set(status === "rejected" ? { verdict: "fail", reasonCode: "blur" } : { verdict: "pass" })
        .where(eq(checkRuns.assetVersionId, version.id))
        .returning();
      await webhooksAfterCheckDecision({ db: database.db, send }, run!.id);
      return { assetId: asset.id, runId: run!.id };
    };
    const rejected = await checked("rejected", "support");
    const approved = await checked("approved", "draft");
    await checked("in_review", "support");
    const payloads = (await deliveriesOf(own.endpoint.id)).map(
      (d) => d.payload as { type: string; data: Record<string, unknown> },
    );
    expect(payloads).toHaveLength(2);
    expect(payloads.find((p) => p.type === "asset.rejected")!.data).toMatchObject({
      asset_id: rejected.assetId,
      decided_by: "checks",
      check_run_id: rejected.runId,
      decision: "reject",
      reason_code: "blur",
      reviewer_id: null,
      decision_id: null,
      owner_id: dana.actor.id,
    });
    expect(payloads.find((p) => p.type === "asset.approved")!.data).toMatchObject({
      asset_id: approved.assetId,
      decided_by: "checks",
      decision: "approve",
    });
    expect(await deliveriesOf(other.endpoint.id)).toHaveLength(0);
    // The same check run again (a retried step) makes no second delivery.
    await webhooksAfterCheckDecision({ db: database.db, send }, rejected.runId);
    expect(await deliveriesOf(own.endpoint.id)).toHaveLength(2);
  });

  it("is idempotent per event: the same event again makes no second delivery", async () => {
    const own = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/a", events: ["batch.completed"] },
    });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, own.endpoint.id)));
    const event = {
      type: "batch.completed" as const,
      key: "b-1",
      subject: { userIds: [dana.actor.id] },
      data: { batch_id: crypto.randomUUID(), user_id: dana.actor.id, total: 2, succeeded: 2, failed: 0, cancelled: 0 },
    };
    const first = await emitWebhookEvent({ db: database.db, send }, event);
    const second = await emitWebhookEvent({ db: database.db, send }, event);
    expect(first.deliveryIds).toHaveLength(1);
    expect(second.deliveryIds).toHaveLength(0);
    expect(second.messageId).toBe(first.messageId);
    expect(await deliveriesOf(own.endpoint.id)).toHaveLength(1);
    // A payload that does not match the event's schema is a bug, refused before anything is stored.
    await expect(
      emitWebhookEvent(
        { db: database.db, send },
        { ...event, key: "b-2", data: { ...event.data, total: "two" } as never },
      ),
    ).rejects.toThrow();
    // A disabled endpoint gets nothing.
    await updateEndpoint({ ctx: dana, endpointId: own.endpoint.id, input: { enabled: false } });
    expect((await emitWebhookEvent({ db: database.db, send }, { ...event, key: "b-3" })).deliveryIds).toHaveLength(0);
  });
});

describe("the product's hooks", () => {
  it("log a failure to emit and never fail the product action", async () => {
    const own = await createEndpoint({ ctx: dana, input: { url: "http://127.0.0.1:1/a", events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, own.endpoint.id)));
    vi.doMock("@/inngest/send-webhooks", () => ({
      sendWebhookDeliveries: async () => {
        throw new Error("engine unreachable");
      },
    }));
    cleanups.push(() => vi.doUnmock("@/inngest/send-webhooks"));
    const { logger } = await import("@/lib/observability/logger");
    const logged = vi.spyOn(logger, "error").mockImplementation(() => {});
    cleanups.push(() => logged.mockRestore());
    const { asset, version } = await createAssetInReview(database.db, { ownerId: dana.actor.id });
    const out = await decideAsset({
      ctx: rita,
      input: { assetId: asset.id, assetVersionId: version.id, decision: "approve" },
    });
    expect(out.status).toBe("approved");
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ message: "engine unreachable" }) }),
      "webhooks: could not emit an event",
    );
  });
});

describe("the other emit points", () => {
  it("export.ready after an export finishes, budget.threshold after a team budget alert, asset.rights_expiring after the week-before notice, generation.failed after a dead letter", async () => {
    vi.doMock("@/inngest/send-webhooks", () => ({ sendWebhookDeliveries: send }));
    cleanups.push(() => vi.doUnmock("@/inngest/send-webhooks"));
    const own = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/a", events: ["export.ready", "budget.threshold", "asset.rights_expiring"] },
    });
    const other = await createEndpoint({
      ctx: gus,
      input: { url: "http://127.0.0.1:1/b", events: ["export.ready", "budget.threshold", "asset.rights_expiring"] },
    });
    const team = await createEndpoint({
      ctx: ada,
      input: { url: "http://127.0.0.1:1/t", events: ["budget.threshold"], teamId: brand },
    });
    cleanups.push(async () => {
      for (const e of [own, other, team])
        await database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.endpoint.id));
    });
    const types = async (e: { endpoint: { id: string } }) =>
      (await deliveriesOf(e.endpoint.id)).map((d) => d.eventType).sort();

    const [job] = await database.db
      .insert(exportJobs)
      .values({ createdBy: dana.actor.id, name: "Spring", request: {} as never, status: "running", filesTotal: 3 })
      .returning();
    await finishExport({ db: database.db, store: getBlobStore() }, job!.id, {
      blobKey: `exports/${job!.id}.zip`,
      bytes: 1234,
      sha256: "ab".repeat(32),
    });

    const [budget] = await database.db
      .insert(budgets)
      .values({ scope: "team", scopeKey: brand, period: "month", limitMicros: 1_000_000 })
      .returning();
    const status = {
      id: budget!.id,
      scope: "team",
      scopeKey: brand,
      label: "team Brand",
      period: "month",
      periodStart: "2026-12-01T00:00:00.000Z",
      periodEnd: "2027-01-01T00:00:00.000Z",
      elapsed: 0.1,
      limitMicros: 1_000_000,
      limitImages: null,
      softLimitPercent: 80,
      stopLossRejectPercent: null,
      stopLossWindow: null,
      active: true,
      spentMicros: 900_000,
      images: 450,
      remainingMicros: 100_000,
      remainingImages: null,
      forecastMicros: 2_000_000,
      state: "soft",
    } as BudgetStatus;
    expect(await raiseBudgetAlerts(database.db, [status])).toBe(1);
    expect(await raiseBudgetAlerts(database.db, [status])).toBe(0);

    const { asset } = await createAssetInReview(database.db, { ownerId: dana.actor.id });
    await database.db
      .update(assets)
      .set({ rightsExpiresAt: new Date(Date.now() + 3 * 86_400_000) })
      .where(eq(assets.id, asset.id));
    await sweepRightsExpiry({ db: database.db });

    // A generation parked for good: generation.failed (its batch, already complete, announces itself once).
    const failing = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/g", events: ["generation.failed", "batch.completed"] },
    });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, failing.endpoint.id)));
    await deadLetterGeneration({
      db: database.db,
      generationId: asset.generationId!,
      code: "provider_down",
      message: "The endpoint stayed down.",
    });
    expect(await types(failing)).toEqual(["batch.completed", "generation.failed"]);
    expect(
      (await deliveriesOf(failing.endpoint.id)).find((d) => d.eventType === "generation.failed")!.payload,
    ).toMatchObject({
      data: { generation_id: asset.generationId, error_code: "provider_down", user_id: dana.actor.id },
    });

    expect(await types(own)).toEqual(["asset.rights_expiring", "budget.threshold", "export.ready"]);
    expect(await types(team)).toEqual(["budget.threshold"]);
    expect(await types(other)).toEqual([]);
    const byType = Object.fromEntries((await deliveriesOf(own.endpoint.id)).map((d) => [d.eventType, d.payload]));
    expect(byType["export.ready"]).toMatchObject({
      data: { export_id: job!.id, files: 3, bytes: 1234, user_id: dana.actor.id },
    });
    expect(byType["budget.threshold"]).toMatchObject({
      data: { budget_id: budget!.id, level: "soft", scope: "team", spent_micros: 900_000, currency: "usd" },
    });
    expect(byType["asset.rights_expiring"]).toMatchObject({ data: { asset_id: asset.id, owner_id: dana.actor.id } });
  });
});

describe("delivering", () => {
  it("signs per Standard Webhooks (verified with the standardwebhooks package) and records the attempt", async () => {
    let secrets: string[] = [];
    const receiver = await startReceiver({
      secrets: () => secrets,
      answer: () => ({ status: 200, body: "x".repeat(3000) }),
    });
    cleanups.push(() => receiver.close());
    const ep = await createEndpoint({ ctx: dana, input: { url: receiver.url, events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)));
    secrets = [ep.secret];
    const { deliveryId } = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
    expect(sent).toEqual([deliveryId]);
    const outcome = await attemptDelivery({ db: database.db }, deliveryId, { retryInMs: 5000 });
    expect(outcome).toMatchObject({ outcome: "succeeded", attempt: 1, statusCode: 200 });
    const [req] = receiver.received;
    expect(req!.verifiedWith).toEqual([0]);
    const body = new Webhook(ep.secret).verify(req!.body, req!.headers) as {
      type: string;
      timestamp: string;
      data: unknown;
    };
    expect(body).toMatchObject({ type: "webhook.test", data: { endpoint_id: ep.endpoint.id } });
    expect(req!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(req!.headers["content-type"]).toBe("application/json");
    // Tampering breaks it: the signature covers the body.
    expect(() =>
      new Webhook(ep.secret).verify(req!.body.replace("webhook.test", "asset.approved"), req!.headers),
    ).toThrow();
    const [attempt] = await database.db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, deliveryId));
    expect(attempt).toMatchObject({ attempt: 1, statusCode: 200, error: null, manual: false });
    expect(attempt!.responseSnippet).toHaveLength(1024);
    const [delivery] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200 });
    // Finished deliveries are not attempted again by the schedule.
    expect(await attemptDelivery({ db: database.db }, deliveryId)).toMatchObject({ outcome: "skipped" });
  });

  it("after a rotation signs with both secrets for 24 hours, and each verifies", async () => {
    let secrets: string[] = [];
    const receiver = await startReceiver({ secrets: () => secrets });
    cleanups.push(() => receiver.close());
    const ep = await createEndpoint({ ctx: dana, input: { url: receiver.url, events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)));
    const rotated = await rotateSecret({ ctx: dana, endpointId: ep.endpoint.id });
    expect(rotated.secret).not.toBe(ep.secret);
    expect(new Date(rotated.previousExpiresAt).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    secrets = [rotated.secret, ep.secret];
    const { deliveryId } = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
    await attemptDelivery({ db: database.db }, deliveryId);
    const [req] = receiver.received;
    expect(req!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(req!.verifiedWith).toEqual([0, 1]);
    // Once the overlap ends only the new secret signs.
    await database.db
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(webhookEndpoints.id, ep.endpoint.id));
    await redeliver({ ctx: dana, deliveryId });
    expect(receiver.received[1]!.verifiedWith).toEqual([0]);
    expect(receiver.received[1]!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(req!.headers["webhook-id"]);
  });

  it("checks the SSRF policy again at delivery: a loopback URL saved while allowed is refused once private addresses are not", async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const ep = await createEndpoint({ ctx: dana, input: { url: receiver.url, events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)));
    const { deliveryId } = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
    allowPrivate(false);
    const outcome = await attemptDelivery({ db: database.db }, deliveryId, { retryInMs: 5000 });
    expect(outcome).toMatchObject({ outcome: "failed", statusCode: null, error: expect.stringMatching(/refused/) });
    expect(receiver.received).toHaveLength(0);
    const [delivery] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(delivery).toMatchObject({ status: "retrying", attempts: 1 });
    expect(delivery!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("counts 3xx and 5xx as failures; a run of failed deliveries disables the endpoint and tells its owner; a success resets the run", async () => {
    vi.stubEnv("KILN_WEBHOOK_DISABLE_AFTER", "2");
    resetEnvForTests();
    let status = 500;
    const receiver = await startReceiver({ answer: () => ({ status, body: "down" }) });
    cleanups.push(() => receiver.close());
    const ep = await createEndpoint({ ctx: dana, input: { url: receiver.url, events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)));
    const endpoint = async () =>
      (await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)))[0]!;
    const failOne = async (code: number) => {
      status = code;
      const { deliveryId } = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
      expect(await attemptDelivery({ db: database.db }, deliveryId, { retryInMs: null })).toMatchObject({
        outcome: "failed",
        statusCode: code,
      });
      return { deliveryId, ...(await giveUpDelivery({ db: database.db }, deliveryId)) };
    };
    expect(await failOne(302)).toMatchObject({ failed: true, disabled: false });
    expect((await endpoint()).consecutiveFailures).toBe(1);
    // A success resets the run: the next failure is the first again.
    status = 204;
    const ok = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
    expect(await attemptDelivery({ db: database.db }, ok.deliveryId)).toMatchObject({ outcome: "succeeded" });
    expect((await endpoint()).consecutiveFailures).toBe(0);
    await failOne(500);
    const second = await failOne(503);
    expect(second).toMatchObject({ failed: true, disabled: true });
    expect(await endpoint()).toMatchObject({
      status: "disabled",
      consecutiveFailures: 2,
      disabledReason: expect.stringMatching(/2 deliveries in a row.*HTTP 503/),
    });
    const notes = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, dana.actor.id), eq(notifications.kind, "webhook.endpoint_disabled")));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toContain(receiver.url);
    // Giving up twice is once; a disabled endpoint's waiting deliveries stop; a person re-enables it.
    expect(await giveUpDelivery({ db: database.db }, second.deliveryId)).toEqual({ failed: false, disabled: false });
    expect(await codeOf(sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send }))).toBe("conflict");
    const enabled = await updateEndpoint({ ctx: dana, endpointId: ep.endpoint.id, input: { enabled: true } });
    expect(enabled).toMatchObject({ status: "enabled", consecutiveFailures: 0, disabledReason: null });
  });

  it("redelivers by hand once, audited, and shows attempts in the log; others cannot redeliver", async () => {
    let status = 500;
    const receiver = await startReceiver({ answer: () => ({ status }) });
    cleanups.push(() => receiver.close());
    const ep = await createEndpoint({ ctx: dana, input: { url: receiver.url, events: ["asset.approved"] } });
    cleanups.push(() => database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.endpoint.id)));
    const { deliveryId } = await sendTestEvent({ ctx: dana, endpointId: ep.endpoint.id, send });
    await attemptDelivery({ db: database.db }, deliveryId, { retryInMs: null });
    await giveUpDelivery({ db: database.db }, deliveryId);
    expect(await codeOf(redeliver({ ctx: gus, deliveryId }))).toBe("not_found");
    status = 200;
    expect(await redeliver({ ctx: dana, deliveryId })).toMatchObject({
      outcome: "succeeded",
      attempt: 2,
      statusCode: 200,
    });
    const [log] = await listDeliveries({ ctx: dana, endpointId: ep.endpoint.id });
    expect(log).toMatchObject({
      id: deliveryId,
      status: "succeeded",
      attempts: 2,
      lastStatusCode: 200,
      eventType: "webhook.test",
    });
    expect(log!.attemptLog.map((a) => [a.attempt, a.statusCode, a.manual])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ]);
    expect(await codeOf(listDeliveries({ ctx: gus, endpointId: ep.endpoint.id }))).toBe("not_found");
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "webhook.redelivered"));
    expect(
      audits.some((a) => (a.data as { deliveryId?: string }).deliveryId === deliveryId && a.actorId === dana.actor.id),
    ).toBe(true);
  });
});

describe("the retry schedule", () => {
  it("is the Standard Webhooks schedule by default (over 24 hours) and can be set for tests", () => {
    expect(retrySchedule()).toEqual(STANDARD_SCHEDULE_MS);
    expect(STANDARD_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3_600_000);
    expect(parseSchedule("0, 500ms, 5s, 5m, 2h")).toEqual([0, 500, 5000, 300_000, 7_200_000]);
    expect(() => parseSchedule("0,soon")).toThrow(/soon/);
  });
});
