import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import type { Database } from "@/db";
import {
  auditCheckpoints,
  campaignHolds,
  checkResults,
  checkRuns,
  costLedger,
  generations,
  presetVersions,
  providerCalls,
  providers,
  webhookDeliveries,
  webhookEndpoints,
  type Batch,
  type Generation,
} from "@/db/schema";
import { useDatabaseForTests } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { costHistory } from "@/lib/costs/report/testing";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory } from "@/test/factories";
import { processRegistry, renderMetrics } from "./metrics";
import { scrapeAccess } from "./metrics-endpoint";

let database: Database;
const db = () => database.db;
const HOUR = 3_600_000;

/** The sample lines of one exposition text, without HELP/TYPE and process metrics. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    map.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return map;
}

let text = "";
let lines: Map<string, number>;

/**
 * A known state, with two GPU endpoints:
 *   kiln-simulator (seeded): support g1 succeeded (call 2.0 s, 120,000 µ$), g2 dead-lettered (failed
 *     call 0.3 s billed 50,000 + a call cut by a crash, 900 s, ledgered "interrupted" 0), g3 queued
 *     (10 min old), g4 running (call open); hero g5 cancelled, never started;
 *     plus two assets waiting in review (support, entered 3 h and 1 h ago; their generations succeeded)
 *   gpu-two: draft g6 succeeded (call 45 s, 10,000 µ$), g7 queued (1 h old; an earlier call of exactly 30 s)
 *   an edit of the 3-hours-old review asset by a local engine: 30,000 µ$ (tier support, endpoint local)
 *   a connection test on gpu-two: 5,000 µ$ (tier none)
 *   checks on the review asset: nsfw pass, blur fail, text warn; on the other: nsfw pass
 *   one active stop-loss hold, one released manual hold
 *   webhook deliveries: 2 succeeded, 1 retrying, 1 failed
 *   audit checkpoints at seq 10 and 42 (the latest: hash "ab12…")
 */
beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: db(), simulatorUrl: "http://127.0.0.1:9" });
  const owner = await createUserFactory(db(), { role: "designer" });
  const h = costHistory(db());
  const now = Date.now();

  // A second endpoint with a draft preset version of its own.
  const [two] = await db()
    .insert(providers)
    .values({ slug: "gpu-two", name: "GPU two", kind: "a1111", baseUrl: "http://127.0.0.1:10" })
    .returning();
  const draft = await h.presetFor("draft");
  const [twoVersion] = await db()
    .insert(presetVersions)
    .values({
      presetId: draft.presetId,
      version: 99,
      providerId: two!.id,
      model: draft.model,
      params: draft.params,
      priceModel: draft.priceModel,
    })
    .returning();

  const batch: Batch = await h.batch({ ownerId: owner.id, campaign: "Spring" });
  const gen = async (tier: "draft" | "support" | "hero", set: Partial<Generation>, presetVersionId?: string) => {
    const g = await h.generation(batch, { tier });
    const [updated] = await db()
      .update(generations)
      .set({ ...set, ...(presetVersionId ? { presetVersionId } : {}) })
      .where(eq(generations.id, g.id))
      .returning();
    return updated!;
  };
  const started = new Date(now - 2 * HOUR);
  const g1 = await gen("support", { status: "succeeded", startedAt: started, finishedAt: new Date(now - HOUR) });
  const g2 = await gen("support", { status: "dead_lettered", startedAt: started, finishedAt: new Date(now - HOUR) });
  await gen("support", { status: "queued", createdAt: new Date(now - 10 * 60_000) });
  const g4 = await gen("support", {
    status: "running",
    startedAt: new Date(now - 60_000),
    createdAt: new Date(now - 5 * 60_000),
  });
  await gen("hero", { status: "cancelled", finishedAt: new Date(now - HOUR) });
  const g6 = await gen(
    "draft",
    { status: "succeeded", startedAt: started, finishedAt: new Date(now - HOUR) },
    twoVersion!.id,
  );
  const g7 = await gen("draft", { status: "queued", createdAt: new Date(now - HOUR) }, twoVersion!.id);

  const simulator = (await db().select().from(providers).where(eq(providers.slug, "kiln-simulator")))[0]!;
  const call = async (
    g: Generation,
    providerId: string,
    n: number,
    seconds: number | null,
    ledger?: { outcome: string; micros: number },
  ) => {
    const callKey = `${g.id}:generate:${n}`;
    const startedAt = new Date(now - 30 * 60_000);
    await db()
      .insert(providerCalls)
      .values({
        callKey,
        providerId,
        generationId: g.id,
        ledger: {} as never,
        startedAt,
        leaseExpiresAt: new Date(now + HOUR),
        endedAt: seconds === null ? null : new Date(startedAt.getTime() + seconds * 1000),
      });
    if (ledger) {
      await db()
        .insert(costLedger)
        .values({
          callKey,
          generationId: g.id,
          providerId,
          presetVersionId: g.presetVersionId,
          userId: g.ownerId,
          operation: "generate",
          engine: "a1111",
          outcome: ledger.outcome,
          billable: ledger.micros > 0,
          micros: ledger.micros,
          batchId: g.batchId,
          lineageRootId: g.id,
        });
    }
  };
  await call(g1, simulator.id, 1, 2, { outcome: "succeeded", micros: 120_000 });
  await call(g2, simulator.id, 1, 0.3, { outcome: "failed", micros: 50_000 });
  await call(g2, simulator.id, 2, 900, { outcome: "interrupted", micros: 0 });
  await call(g4, simulator.id, 1, null);
  await call(g6, two!.id, 1, 45, { outcome: "succeeded", micros: 10_000 });
  // Exactly on a bound: Prometheus buckets are "less than or equal".
  await call(g7, two!.id, 1, 30);

  const late = await createAssetInReview(db(), {
    ownerId: owner.id,
    tier: "support",
    enteredReviewAt: new Date(now - 3 * HOUR),
    verdict: "pass",
  });
  const early = await createAssetInReview(db(), {
    ownerId: owner.id,
    tier: "support",
    enteredReviewAt: new Date(now - HOUR),
    verdict: "pass",
  });
  const runOf = async (versionId: string) =>
    (await db().select().from(checkRuns).where(eq(checkRuns.assetVersionId, versionId)))[0]!.id;
  const result = (checkRunId: string, checkId: string, verdict: "pass" | "warn" | "fail") => ({
    checkRunId,
    checkId,
    checkVersion: 1,
    verdict,
    detail: "fixture",
    durationMs: 1,
  });
  const lateRun = await runOf(late.version.id);
  await db()
    .insert(checkResults)
    .values([
      result(lateRun, "nsfw", "pass"),
      result(lateRun, "blur", "fail"),
      result(lateRun, "text", "warn"),
      result(await runOf(early.version.id), "nsfw", "pass"),
    ]);

  const lateGen = (await db().select().from(generations).where(eq(generations.id, late.asset.generationId!)))[0]!;
  await h.edit({ assetId: late.asset.id }, lateGen, {
    micros: 30_000,
    at: new Date(now - HOUR),
    engine: "esrgan-local",
  });
  await h.overhead({ providerId: two!.id, userId: owner.id, micros: 5_000, at: new Date(now - HOUR) });

  await db()
    .insert(campaignHolds)
    .values([
      { campaign: "Spring", reason: "stop_loss" },
      { campaign: "Autumn", reason: "manual", releasedAt: new Date() },
    ]);

  const [endpoint] = await db()
    .insert(webhookEndpoints)
    .values({
      ownerUserId: owner.id,
      createdBy: owner.id,
      url: "https://hooks.example.test/kiln",
      events: ["asset.approved"],
      secretSealed: "sealed",
    })
    .returning();
  const delivery = (status: "succeeded" | "retrying" | "failed") => ({
    endpointId: endpoint!.id,
    messageId: `msg_${randomUUID()}`,
    eventType: "asset.approved",
    payload: {},
    status,
  });
  await db()
    .insert(webhookDeliveries)
    .values([delivery("succeeded"), delivery("succeeded"), delivery("retrying"), delivery("failed")]);

  await db()
    .insert(auditCheckpoints)
    .values([
      { seq: 10, hash: "0f0f", eventCount: 10, signature: "sig", blobKey: "audit/checkpoints/10.json" },
      { seq: 42, hash: "ab12cd34", eventCount: 42, signature: "sig", blobKey: "audit/checkpoints/42.json" },
    ]);

  text = (await renderMetrics({ db: db(), includeProcess: false })).text;
  lines = samples(text);
});

afterAll(async () => {
  await database?.close();
});

describe("the metrics exposition, from the database", () => {
  it("counts generations by endpoint and tier", () => {
    // The simulator's support generations: g1–g4 and the two review assets' (succeeded, never started).
    expect(lines.get('kiln_generations_created_total{endpoint="kiln-simulator",tier="support"}')).toBe(6);
    expect(lines.get('kiln_generations_started_total{endpoint="kiln-simulator",tier="support"}')).toBe(3);
    expect(lines.get('kiln_generations_succeeded_total{endpoint="kiln-simulator",tier="support"}')).toBe(3);
    expect(lines.get('kiln_generations_failed_total{endpoint="kiln-simulator",tier="support"}')).toBe(1);
    expect(lines.get('kiln_generations_cancelled_total{endpoint="kiln-simulator",tier="hero"}')).toBe(1);
    expect(lines.get('kiln_generations_started_total{endpoint="kiln-simulator",tier="hero"}')).toBe(0);
    expect(lines.get('kiln_generations_created_total{endpoint="gpu-two",tier="draft"}')).toBe(2);
    expect(lines.get('kiln_generations_succeeded_total{endpoint="gpu-two",tier="draft"}')).toBe(1);
    expect(text).toContain("# TYPE kiln_generations_started_total counter");
    expect(text).toMatch(/# HELP kiln_generations_failed_total .+/);
  });

  it("reports the queue by endpoint and state, with the oldest queued item's age", () => {
    expect(lines.get('kiln_queue_depth{endpoint="kiln-simulator",state="queued"}')).toBe(1);
    expect(lines.get('kiln_queue_depth{endpoint="kiln-simulator",state="running"}')).toBe(1);
    expect(lines.get('kiln_queue_depth{endpoint="gpu-two",state="queued"}')).toBe(1);
    expect(lines.get('kiln_queue_depth{endpoint="gpu-two",state="running"}')).toBeUndefined();
    const age = lines.get('kiln_queue_oldest_age_seconds{endpoint="gpu-two"}')!;
    expect(age).toBeGreaterThanOrEqual(3600);
    expect(age).toBeLessThan(3660);
  });

  it("builds the provider call histogram from ended calls, leaving out interrupted ones", () => {
    const sim = (le: string) =>
      lines.get(`kiln_provider_call_duration_seconds_bucket{endpoint="kiln-simulator",le="${le}"}`);
    expect([sim("0.25"), sim("0.5"), sim("1"), sim("2.5"), sim("5"), sim("60"), sim("120"), sim("+Inf")]).toEqual([
      0, 1, 1, 2, 2, 2, 2, 2,
    ]);
    expect(lines.get('kiln_provider_call_duration_seconds_count{endpoint="kiln-simulator"}')).toBe(2);
    expect(lines.get('kiln_provider_call_duration_seconds_sum{endpoint="kiln-simulator"}')).toBeCloseTo(2.3, 6);
    const two = (le: string) => lines.get(`kiln_provider_call_duration_seconds_bucket{endpoint="gpu-two",le="${le}"}`);
    expect([two("20"), two("30"), two("60"), two("+Inf")]).toEqual([0, 1, 2, 2]);
    expect(lines.get('kiln_provider_call_duration_seconds_sum{endpoint="gpu-two"}')).toBeCloseTo(75, 6);
    expect(text).toContain("# TYPE kiln_provider_call_duration_seconds histogram");
  });

  it("sums spend in micro-dollars by endpoint and tier, and counts ledgered calls by outcome", () => {
    expect(lines.get('kiln_spend_micros_total{endpoint="kiln-simulator",tier="support"}')).toBe(170_000);
    expect(lines.get('kiln_spend_micros_total{endpoint="gpu-two",tier="draft"}')).toBe(10_000);
    expect(lines.get('kiln_spend_micros_total{endpoint="local",tier="support"}')).toBe(30_000);
    expect(lines.get('kiln_spend_micros_total{endpoint="gpu-two",tier="none"}')).toBe(5_000);
    const total = [...lines].filter(([k]) => k.startsWith("kiln_spend_micros_total")).reduce((s, [, v]) => s + v, 0);
    expect(total).toBe(215_000);
    expect(lines.get('kiln_provider_calls_total{endpoint="kiln-simulator",tier="support",outcome="succeeded"}')).toBe(
      1,
    );
    expect(lines.get('kiln_provider_calls_total{endpoint="kiln-simulator",tier="support",outcome="failed"}')).toBe(1);
    expect(lines.get('kiln_provider_calls_total{endpoint="kiln-simulator",tier="support",outcome="interrupted"}')).toBe(
      1,
    );
  });

  it("counts check verdicts by check", () => {
    expect(lines.get('kiln_check_verdicts_total{check="nsfw",verdict="pass"}')).toBe(2);
    expect(lines.get('kiln_check_verdicts_total{check="blur",verdict="fail"}')).toBe(1);
    expect(lines.get('kiln_check_verdicts_total{check="text",verdict="warn"}')).toBe(1);
  });

  it("reports the review backlog and its oldest item's age", () => {
    expect(lines.get("kiln_review_backlog_items")).toBe(2);
    const age = lines.get("kiln_review_backlog_oldest_age_seconds")!;
    expect(age).toBeGreaterThanOrEqual(3 * 3600);
    expect(age).toBeLessThan(3 * 3600 + 60);
  });

  it("reports active holds, webhook deliveries by state and the latest audit checkpoint", () => {
    expect(lines.get('kiln_budget_holds_active{reason="stop_loss"}')).toBe(1);
    expect(lines.get('kiln_budget_holds_active{reason="manual"}')).toBeUndefined();
    expect(lines.get('kiln_webhook_deliveries{state="succeeded"}')).toBe(2);
    expect(lines.get('kiln_webhook_deliveries{state="retrying"}')).toBe(1);
    expect(lines.get('kiln_webhook_deliveries{state="failed"}')).toBe(1);
    expect(lines.get("kiln_audit_checkpoint_seq")).toBe(42);
    expect(lines.get('kiln_audit_checkpoint_info{seq="42",hash="ab12cd34"}')).toBe(1);
    expect(lines.get("kiln_metrics_database_up")).toBe(1);
  });

  it("reports 0 and no info series when there is no checkpoint, and the process metrics when asked", async () => {
    // As boot does: the process registry exists before the first scrape, and the CPU spent since counts.
    processRegistry();
    const from = process.cpuUsage().user;
    while (process.cpuUsage().user - from < 60_000) Math.sqrt(Math.random());
    await db().delete(auditCheckpoints);
    const { text: again, contentType } = await renderMetrics({ db: db() });
    const s = samples(again);
    expect(s.get("kiln_audit_checkpoint_seq")).toBe(0);
    expect(again).not.toContain("kiln_audit_checkpoint_info{");
    // The 60 ms of CPU spent above, before the scrape, are in it.
    expect(s.get("process_cpu_user_seconds_total")).toBeGreaterThanOrEqual(0.06);
    expect(again).toContain("nodejs_heap_size_used_bytes");
    expect(contentType).toContain("text/plain");
    // Every Kiln metric has HELP text.
    for (const name of new Set([...again.matchAll(/^# TYPE (kiln_\w+)/gm)].map((m) => m[1])))
      expect(again).toMatch(new RegExp(`# HELP ${name} \\S`));
  });

  it("says so, instead of failing the scrape, when the database does not answer", async () => {
    const broken = { transaction: () => Promise.reject(new Error("connection refused")) } as unknown as Database["db"];
    const { text: failed } = await renderMetrics({ db: broken, includeProcess: false });
    expect(samples(failed).get("kiln_metrics_database_up")).toBe(0);
    expect(failed).not.toContain("kiln_generations_created_total{");
  });
});

describe("scrape access", () => {
  const token = "a-metrics-token-of-some-length";
  it("is off without a configured token, denied with a wrong or missing one, allowed with the right one", () => {
    expect(scrapeAccess(`Bearer ${token}`, undefined)).toBe("off");
    expect(scrapeAccess(null, token)).toBe("denied");
    expect(scrapeAccess("Bearer nope", token)).toBe("denied");
    expect(scrapeAccess(`Basic ${token}`, token)).toBe("denied");
    expect(scrapeAccess(`Bearer ${token}x`, token)).toBe("denied");
    expect(scrapeAccess(`Bearer ${token}`, token)).toBe("allowed");
    expect(scrapeAccess(`bearer ${token}`, token)).toBe("allowed");
  });
});

describe("GET /api/metrics", () => {
  const token = "scrape-token-0123456789";
  const scrape = (authorization?: string) =>
    GET(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));
  afterEach(() => {
    delete process.env.KILN_METRICS_TOKEN;
    resetEnvForTests();
  });

  it("is not there (404) while no token is configured, even for a caller sending one", async () => {
    useDatabaseForTests(database);
    delete process.env.KILN_METRICS_TOKEN;
    resetEnvForTests();
    expect((await scrape(`Bearer ${token}`)).status).toBe(404);
  });

  it("refuses a missing or wrong token (401), and answers the exposition to the right one", async () => {
    useDatabaseForTests(database);
    process.env.KILN_METRICS_TOKEN = token;
    resetEnvForTests();
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await none.text()).not.toContain("kiln_");
    expect((await scrape("Bearer scrape-token-0123456788")).status).toBe(401);
    const ok = await scrape(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const body = await ok.text();
    expect(samples(body).get('kiln_generations_created_total{endpoint="gpu-two",tier="draft"}')).toBe(2);
    expect(body).toContain("process_resident_memory_bytes");
  });
});
