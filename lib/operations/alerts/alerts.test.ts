import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import {
  alertEvents,
  alertRules,
  assets,
  auditEvents,
  costLedger,
  generations,
  notifications,
  providers,
  webhookDeliveries,
} from "@/db/schema";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import type { WebhookSender } from "@/lib/webhooks/emit";
import type { WebhookBody } from "@/lib/webhooks/event-types";
import { createUserFactory, ctxFor } from "@/test/factories";
import { evaluateAlerts } from "./evaluate";
import {
  createAlertRule,
  deleteAlertRule,
  describeNotified,
  disableAlertRule,
  enableAlertRule,
  listAlertEvents,
  listAlertRules,
  updateAlertRule,
} from "./rules";
import { measure } from "./values";

vi.mock("server-only", () => ({}));

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let ada: TestCtx; // admin
let alan: TestCtx; // second admin
let dana: TestCtx; // designer
let inactiveAdminId: string;
let simulatorId: string;
let otherId: string;

const sent: string[] = [];
const send: WebhookSender = async (ds) => void sent.push(...ds.map((d) => d.deliveryId));

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  ada = ctxFor(database.db, await createUserFactory(database.db, { role: "admin", name: "Ada" }));
  alan = ctxFor(database.db, await createUserFactory(database.db, { role: "admin", name: "Alan" }));
  dana = ctxFor(database.db, await createUserFactory(database.db, { role: "designer", name: "Dana" }));
  inactiveAdminId = (await createUserFactory(database.db, { role: "admin", name: "Gone", active: false })).id;
  const [sim] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
  simulatorId = sim!.id;
  const [other] = await database.db
    .insert(providers)
    .values({ slug: "other-gpu", name: "Other GPU", kind: "a1111", baseUrl: "http://127.0.0.1:10" })
    .returning();
  otherId = other!.id;
}, 180_000);
afterAll(() => database.close());
beforeEach(() => {
  sent.length = 0;
  return () => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  };
});

let callCounter = 0;
const minutes = (base: Date, m: number) => new Date(base.getTime() + m * 60_000);

async function ledger(
  rows: { providerId: string | null; outcome: "succeeded" | "failed" | "interrupted"; at: Date; micros?: number }[],
) {
  await database.db.insert(costLedger).values(
    rows.map((r) => ({
      callKey: `alert-test-${++callCounter}`,
      providerId: r.providerId,
      userId: dana.actor.id,
      operation: "generate",
      outcome: r.outcome,
      billable: r.outcome !== "failed",
      micros: r.micros ?? 0,
      createdAt: r.at,
    })),
  );
}
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (e: unknown) =>
      e instanceof AppError
        ? `${e.code}${e.fields ? `:${Object.keys(e.fields).join(",")}` : ""}`
        : `not an AppError: ${String(e)}`,
  );
}

describe("the value of each kind", () => {
  it("endpoint error rate: failed and interrupted calls of the endpoint in the window; an endpoint with fewer than 5 calls does not count", async () => {
    const now = new Date("2030-01-01T12:00:00Z");
    await ledger([
      // The simulator: 8 calls in the last 15 minutes, 2 failed and 1 interrupted = 37.5%.
      ...times(5, (i) => ({ providerId: simulatorId, outcome: "succeeded" as const, at: minutes(now, -1 - i) })),
      { providerId: simulatorId, outcome: "failed", at: minutes(now, -2) },
      { providerId: simulatorId, outcome: "failed", at: minutes(now, -14) },
      { providerId: simulatorId, outcome: "interrupted", at: minutes(now, -3) },
      // Before the window, and after "now": not counted.
      ...times(6, () => ({ providerId: simulatorId, outcome: "failed" as const, at: minutes(now, -16) })),
      { providerId: simulatorId, outcome: "failed", at: minutes(now, 1) },
      // The other endpoint: 4 calls, all failed: too few to judge.
      ...times(4, () => ({ providerId: otherId, outcome: "failed" as const, at: minutes(now, -5) })),
      // A local engine's work (no provider) is not an endpoint's call.
      ...times(6, () => ({ providerId: null, outcome: "failed" as const, at: minutes(now, -5) })),
    ]);
    const sim = await measure(
      database.db,
      { kind: "endpoint_error_rate", providerId: simulatorId, windowMinutes: 15 },
      now,
    );
    expect(sim.value).toBe(37.5);
    expect(sim.detail).toBe("3 of 8 calls to Kiln GPU simulator failed in the last 15 minutes");
    expect(
      (await measure(database.db, { kind: "endpoint_error_rate", providerId: null, windowMinutes: 15 }, now)).value,
    ).toBe(37.5);
    const other = await measure(
      database.db,
      { kind: "endpoint_error_rate", providerId: otherId, windowMinutes: 15 },
      now,
    );
    expect(other).toEqual({ value: null, detail: "4 calls in the last 15 minutes: fewer than 5, too few to judge" });
    // One more failed call makes the other endpoint count, and, at 100%, the worst of all endpoints.
    await ledger([{ providerId: otherId, outcome: "failed", at: minutes(now, -5) }]);
    expect(
      (await measure(database.db, { kind: "endpoint_error_rate", providerId: otherId, windowMinutes: 15 }, now)).value,
    ).toBe(100);
    const worst = await measure(database.db, { kind: "endpoint_error_rate", providerId: null, windowMinutes: 15 }, now);
    expect(worst).toEqual({ value: 100, detail: "5 of 5 calls to Other GPU failed in the last 15 minutes" });
    // A wider window takes the six older failures in: 9 of 14.
    expect(
      (await measure(database.db, { kind: "endpoint_error_rate", providerId: simulatorId, windowMinutes: 30 }, now))
        .value,
    ).toBeCloseTo((9 / 14) * 100, 10);
  });

  it("generation p95: first call to finished image of the generations that succeeded in the window", async () => {
    const now = new Date("2030-02-01T12:00:00Z");
    const fixture = await createAssetInReview(database.db, { ownerId: dana.actor.id });
    await database.db.update(assets).set({ status: "approved" }).where(eq(assets.id, fixture.asset.id));
    const [gen] = await database.db.select().from(generations).where(eq(generations.id, fixture.asset.generationId!));
    const { id: _id, createdAt: _c, ...template } = gen!;
    const row = (seconds: number, finishedAt: Date, status: "succeeded" | "dead_lettered" = "succeeded") => ({
      ...template,
      status,
      startedAt: new Date(finishedAt.getTime() - seconds * 1000),
      finishedAt,
    });
    await database.db.insert(generations).values([
      // 1 … 20 seconds, finished in the last 10 minutes.
      ...times(20, (i) => row(i + 1, minutes(now, -1 - (i % 9)))),
      // A dead letter and a generation finished before the window do not count.
      row(500, minutes(now, -2), "dead_lettered"),
      row(900, minutes(now, -11)),
    ]);
    const all = await measure(database.db, { kind: "generation_p95", providerId: null, windowMinutes: 10 }, now);
    // percentile_cont over 1000 … 20000 ms: 19000 + 0.05 × 1000.
    expect(all.value).toBeCloseTo(19_050, 6);
    expect(all.detail).toBe("over 20 generations finished in the last 10 minutes");
    // The seeded presets all use the simulator; another endpoint has none.
    expect(
      (await measure(database.db, { kind: "generation_p95", providerId: simulatorId, windowMinutes: 10 }, now)).value,
    ).toBeCloseTo(19_050, 6);
    expect(await measure(database.db, { kind: "generation_p95", providerId: otherId, windowMinutes: 10 }, now)).toEqual(
      {
        value: null,
        detail: "no generation finished in the last 10 minutes",
      },
    );
  });

  it("review backlog age: minutes the oldest asset in the review queue has waited", async () => {
    const now = new Date();
    await createAssetInReview(database.db, { ownerId: dana.actor.id, enteredReviewAt: minutes(now, -30) });
    const old = await createAssetInReview(database.db, { ownerId: dana.actor.id, enteredReviewAt: minutes(now, -90) });
    const decided = await createAssetInReview(database.db, {
      ownerId: dana.actor.id,
      enteredReviewAt: minutes(now, -600),
    });
    await database.db.update(assets).set({ status: "approved" }).where(eq(assets.id, decided.asset.id));
    const m = await measure(database.db, { kind: "review_backlog_age", providerId: null, windowMinutes: 15 }, now);
    expect(m).toEqual({ value: 90, detail: "2 assets waiting for review" });
    await database.db.update(assets).set({ status: "approved" }).where(eq(assets.status, "in_review"));
    expect(
      await measure(database.db, { kind: "review_backlog_age", providerId: null, windowMinutes: 15 }, now),
    ).toEqual({
      value: 0,
      detail: "the review queue is empty",
    });
    expect(old.asset.id).toBeTruthy();
  });

  it("spend rate: the ledger's micro-dollars in the window, per hour", async () => {
    const now = new Date("2030-03-01T12:00:00Z");
    await ledger([
      { providerId: simulatorId, outcome: "succeeded", at: minutes(now, -1), micros: 400_000 },
      { providerId: simulatorId, outcome: "failed", at: minutes(now, -29), micros: 100_000 },
      { providerId: null, outcome: "succeeded", at: minutes(now, -10), micros: 250_000 },
      { providerId: simulatorId, outcome: "succeeded", at: minutes(now, -31), micros: 9_000_000 },
    ]);
    // $0.75 in 30 minutes = $1.50 per hour.
    expect(await measure(database.db, { kind: "spend_rate", providerId: null, windowMinutes: 30 }, now)).toEqual({
      value: 1_500_000,
      detail: "$0.75 spent in the last 30 minutes",
    });
  });
});

describe("rules", () => {
  it("store display units in the schema's units, are admin-only, validated and audited", async () => {
    expect(
      await codeOf(
        createAlertRule({ ctx: dana, input: { name: "x", kind: "spend_rate", threshold: 1, notifyInApp: true } }),
      ),
    ).toBe("forbidden");
    expect(
      await codeOf(
        createAlertRule({
          ctx: ada,
          input: { name: "x", kind: "spend_rate", threshold: 1, emailTo: "ops@example.com, not-an-address" },
        }),
      ),
    ).toBe("invalid_input:emailTo");
    expect(
      await codeOf(createAlertRule({ ctx: ada, input: { name: "x", kind: "endpoint_error_rate", threshold: 100 } })),
    ).toBe("invalid_input:threshold");
    expect(await codeOf(createAlertRule({ ctx: ada, input: { name: "", kind: "nonsense", threshold: -1 } }))).toBe(
      "invalid_input:name,kind,threshold",
    );

    const spend = await createAlertRule({
      ctx: ada,
      input: {
        name: "Spend",
        kind: "spend_rate",
        threshold: "2.5",
        windowMinutes: "60",
        notifyInApp: "on",
        emailTo: "Ops@Example.com; oncall@example.com",
      },
    });
    expect(spend).toMatchObject({
      threshold: 2_500_000,
      windowMinutes: 60,
      notifyInApp: true,
      notifyWebhooks: false,
      emailTo: ["ops@example.com", "oncall@example.com"],
      providerId: null,
    });
    const slow = await createAlertRule({
      ctx: ada,
      input: { name: "Slow", kind: "generation_p95", threshold: 12, providerId: simulatorId },
    });
    expect(slow).toMatchObject({ threshold: 12_000, providerId: simulatorId, notifyInApp: false });
    // A kind without an endpoint drops one given; the backlog has no window.
    const backlog = await createAlertRule({
      ctx: ada,
      input: {
        name: "Backlog",
        kind: "review_backlog_age",
        threshold: 1440,
        providerId: simulatorId,
        windowMinutes: 5,
      },
    });
    expect(backlog).toMatchObject({ threshold: 1440, providerId: null, windowMinutes: 15 });

    const views = await listAlertRules({ ctx: ada });
    const view = views.find((v) => v.id === spend.id)!;
    expect(view).toMatchObject({
      threshold: 2.5,
      kindLabel: "Spend rate",
      description: "Spending faster than $2.50 per hour over the last hour",
      lastValue: null,
      firing: false,
    });
    expect(views.find((v) => v.id === slow.id)!.description).toBe(
      "95th percentile generation time on Kiln GPU simulator above 12 seconds over the last 15 minutes",
    );
    expect(views.find((v) => v.id === backlog.id)!.description).toBe(
      "Oldest asset waiting for review older than 24 hours",
    );

    const updated = await updateAlertRule({
      ctx: ada,
      input: {
        id: slow.id,
        name: "Slow",
        kind: "generation_p95",
        threshold: 30.5,
        providerId: "",
        notifyWebhooks: "on",
      },
    });
    expect(updated).toMatchObject({ threshold: 30_500, providerId: null, notifyWebhooks: true });
    await disableAlertRule({ ctx: ada, input: { id: slow.id } });
    await enableAlertRule({ ctx: ada, input: { id: slow.id } });
    await deleteAlertRule({ ctx: ada, input: { id: backlog.id } });
    expect(await codeOf(deleteAlertRule({ ctx: ada, input: { id: backlog.id } }))).toBe("not_found");
    const audited = await database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.subjectType, "alert_rule"))
      .orderBy(auditEvents.seq);
    expect(audited.map((a) => a.action)).toEqual([
      "alert_rule.created",
      "alert_rule.created",
      "alert_rule.created",
      "alert_rule.updated",
      "alert_rule.disabled",
      "alert_rule.enabled",
      "alert_rule.deleted",
    ]);
    // Tidy: the next tests evaluate every enabled rule.
    for (const id of [spend.id, slow.id]) await deleteAlertRule({ ctx: ada, input: { id } });
  });
});

describe("evaluation", () => {
  it("notifies once when a rule starts firing and once when it resolves; two evaluations at once make one transition", async () => {
    const t0 = new Date("2030-04-01T12:00:00Z");
    const rule = await createAlertRule({
      ctx: ada,
      input: {
        name: "Simulator failing",
        kind: "endpoint_error_rate",
        providerId: simulatorId,
        threshold: 20,
        windowMinutes: 15,
        notifyInApp: "on",
        notifyWebhooks: "on",
        emailTo: "ops@example.com",
      },
    });
    vi.stubEnv("KILN_WEBHOOK_ALLOW_PRIVATE", "1");
    resetEnvForTests();
    const adminHook = await createEndpoint({
      ctx: ada,
      input: { url: "http://127.0.0.1:1/alerts", events: ["alert.fired", "alert.resolved"] },
    });
    const designerHook = await createEndpoint({
      ctx: dana,
      input: { url: "http://127.0.0.1:1/mine", events: ["alert.fired", "alert.resolved"] },
    });

    // Below the limit: 1 of 5 (20% is not above 20%).
    await ledger([
      ...times(4, (i) => ({ providerId: simulatorId, outcome: "succeeded" as const, at: minutes(t0, -1 - i) })),
      { providerId: simulatorId, outcome: "failed", at: minutes(t0, -1) },
    ]);
    let summary = await evaluateAlerts({ db: database.db, now: t0, send });
    expect(summary).toMatchObject({ evaluated: 1, fired: [], resolved: [] });
    expect(summary.values[rule.id]).toBe(20);

    // Two more failures: 3 of 7 → fires.
    await ledger([...times(2, () => ({ providerId: simulatorId, outcome: "failed" as const, at: t0 }))]);
    const t1 = minutes(t0, 1);
    const both = await Promise.all([
      evaluateAlerts({ db: database.db, now: t1, send }),
      evaluateAlerts({ db: database.db, now: t1, send }),
    ]);
    expect(both.flatMap((s) => s.fired)).toEqual([rule.id]);
    // Still firing a minute later: no second announcement.
    summary = await evaluateAlerts({ db: database.db, now: minutes(t0, 2), send });
    expect(summary.fired).toEqual([]);

    const [firing] = await database.db.select().from(alertRules).where(eq(alertRules.id, rule.id));
    expect(firing).toMatchObject({ state: "firing", firingSince: t1 });
    expect(firing!.lastValue).toBeCloseTo((3 / 7) * 100, 10);
    let events = await database.db
      .select()
      .from(alertEvents)
      .where(eq(alertEvents.ruleId, rule.id))
      .orderBy(alertEvents.occurredAt);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      state: "fired",
      message:
        'Alert "Simulator failing" is firing: 42.9% (limit 20%); 3 of 7 calls to Kiln GPU simulator failed in the last 15 minutes.',
      notified: { inApp: 2, webhooks: 1, email: "not configured (KILN_SMTP_URL is not set)" },
    });
    // Every active admin, in the app; not the designer, not a deactivated admin.
    const told = await database.db.select().from(notifications).where(eq(notifications.kind, "alert"));
    expect(told.map((n) => n.userId).sort()).toEqual([ada.actor.id, alan.actor.id].sort());
    expect(told.every((n) => n.message === events[0]!.message)).toBe(true);
    expect(told.some((n) => n.userId === inactiveAdminId || n.userId === dana.actor.id)).toBe(false);
    // alert.fired to the admin's endpoint only.
    const deliveries = await database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventType, "alert.fired"));
    expect(deliveries.map((d) => d.endpointId)).toEqual([adminHook.endpoint.id]);
    expect((deliveries[0]!.payload as WebhookBody).data).toMatchObject({
      rule_id: rule.id,
      kind: "endpoint_error_rate",
      provider_id: simulatorId,
      threshold: 20,
      unit: "percent",
      window_minutes: 15,
      firing_since: t1.toISOString(),
    });
    expect(sent).toEqual([deliveries[0]!.id]);
    expect(designerHook.endpoint.id).not.toBe(adminHook.endpoint.id);

    // The window moves past the failures: no calls at all → resolves, once, even with two evaluations at once.
    const t2 = minutes(t0, 20);
    const resolving = await Promise.all([
      evaluateAlerts({ db: database.db, now: t2, send }),
      evaluateAlerts({ db: database.db, now: t2, send }),
    ]);
    expect(resolving.flatMap((s) => s.resolved)).toEqual([rule.id]);
    expect((await evaluateAlerts({ db: database.db, now: minutes(t0, 21), send })).resolved).toEqual([]);
    events = await database.db
      .select()
      .from(alertEvents)
      .where(eq(alertEvents.ruleId, rule.id))
      .orderBy(alertEvents.occurredAt);
    expect(events.map((e) => e.state)).toEqual(["fired", "resolved"]);
    expect(events[1]!.message).toBe(
      'Alert "Simulator failing" resolved: no data (limit 20%); 0 calls in the last 15 minutes: fewer than 5, too few to judge.',
    );
    expect(await database.db.select().from(notifications).where(eq(notifications.kind, "alert"))).toHaveLength(4);
    const resolved = await database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventType, "alert.resolved"));
    expect(resolved).toHaveLength(1);
    expect((resolved[0]!.payload as WebhookBody).data).toMatchObject({ value: null, firing_since: t1.toISOString() });
    const [ok] = await database.db.select().from(alertRules).where(eq(alertRules.id, rule.id));
    expect(ok).toMatchObject({ state: "ok", firingSince: null, lastValue: null, lastEvaluatedAt: minutes(t0, 21) });
    const audit = await database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, rule.id), eq(auditEvents.subjectType, "alert_rule")))
      .orderBy(auditEvents.seq);
    expect(audit.map((a) => a.action)).toEqual(["alert_rule.created", "alert.fired", "alert.resolved"]);

    // The page's words for it.
    const shown = await listAlertEvents({ ctx: ada });
    expect(shown[0]).toMatchObject({ ruleName: "Simulator failing", state: "resolved", value: "no data" });
    expect(shown[1]).toMatchObject({
      state: "fired",
      value: "42.9%",
      notified: "In the app: 2 admins · Webhooks: 1 delivery · E-mail: not configured (KILN_SMTP_URL is not set)",
    });
    expect(describeNotified({ inApp: "off", webhooks: "off", email: "off" })).toBe(
      "In the app: off · Webhooks: off · E-mail: off",
    );

    // A disabled rule is not evaluated, and disabling a firing rule puts it back to OK, telling everyone
    // who heard it fire that it is resolved, and why.
    await database.db
      .update(alertRules)
      .set({ state: "firing", firingSince: t2, lastValue: 42.9 })
      .where(eq(alertRules.id, rule.id));
    await disableAlertRule({ ctx: alan, input: { id: rule.id } });
    expect((await evaluateAlerts({ db: database.db, now: minutes(t0, 22), send })).evaluated).toBe(0);
    const [off] = await database.db.select().from(alertRules).where(eq(alertRules.id, rule.id));
    expect(off).toMatchObject({ enabled: false, state: "ok", firingSince: null });
    const all = await database.db.select().from(alertEvents).where(eq(alertEvents.ruleId, rule.id));
    expect(all.map((e) => e.state).sort()).toEqual(["fired", "resolved", "resolved"]);
    const closing = all.find((e) => e.state === "resolved" && e.id !== events[1]!.id);
    expect(closing).toMatchObject({ state: "resolved", value: 42.9 });
    expect(closing!.message).toMatch(
      /^Alert "Simulator failing" resolved: 42\.9% \(limit 20%\); the rule was disabled by /,
    );
    // Handed to the webhook queue (this test has no receiver listening, so the attempt itself fails; the delivery row stays for retries).
    const resolvedAfter = await database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventType, "alert.resolved"));
    expect(resolvedAfter).toHaveLength(2);
    expect((resolvedAfter.find((d) => d.id !== resolved[0]!.id)!.payload as WebhookBody).data).toMatchObject({
      value: 42.9,
      firing_since: t2.toISOString(),
    });
    // Disabling it again (already off) announces nothing more.
    await disableAlertRule({ ctx: alan, input: { id: rule.id } });
    expect(
      await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "alert.resolved")),
    ).toHaveLength(2);
    await deleteAlertRule({ ctx: ada, input: { id: rule.id } });
  });
});
