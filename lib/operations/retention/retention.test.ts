import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, sql } from "drizzle-orm";
import { createTestDatabase } from "@/db/testing";
import type { Database } from "@/db";
import {
  auditEvents,
  costLedger,
  signInAttempts,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type User,
} from "@/db/schema";
import { migrate as migrateRunner } from "@/inngest/runner/migrations";
import { recordAudit } from "@/lib/audit";
import { createUserFactory } from "@/test/factories";
import { rowsOf } from "./batches";
import { pruneExpiredRecords, pruneRunnerHistory, pruneSignInAttempts, pruneWebhookDeliveries } from "./index";

const DAY = 86_400_000;
const now = new Date("2026-06-15T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

let database: Database;
let user: User;
beforeAll(async () => {
  database = await createTestDatabase();
  await migrateRunner({ query: database.query, transaction: database.transaction });
  user = await createUserFactory(database.db, { role: "designer" });
});
afterAll(async () => {
  await database.close();
});

async function ids(table: string): Promise<string[]> {
  return (await database.query<{ id: string }>(`select id from ${table} order by id`)).map((r) => r.id);
}

async function run(id: string, status: string, endedAgo: number | null, eventId: string | null = null) {
  const created = now.getTime() - 40 * DAY;
  await database.query(
    `insert into inngest_runner_runs (id, function_id, event_id, event, status, created_at, started_at, ended_at) values ($1, 'app-fn', $2, '{}'::jsonb, $3, $4, $4, $5)`,
    [id, eventId, status, created, endedAgo === null ? null : now.getTime() - endedAgo],
  );
  for (const step of ["a", "b"]) {
    await database.query(
      `insert into inngest_runner_steps (run_id, step_id, op, status, started_at) values ($1, $2, 'StepRun', 'completed', $3)`,
      [id, step, created],
    );
  }
}

async function event(id: string, receivedAgo: number, processed: boolean) {
  const at = now.getTime() - receivedAgo;
  await database.query(
    `insert into inngest_runner_events (id, name, data, ts, received_at, triggered, processed) values ($1, 'app/x', '{}'::jsonb, $2, $2, true, $3)`,
    [id, at, processed],
  );
}

describe("retention", () => {
  it("prunes only finished runner runs past the retention, with their steps, and only processed events no live run needs", async () => {
    await event("ev-old-done", 30 * DAY, true);
    await event("ev-old-unprocessed", 30 * DAY, false);
    await event("ev-old-live", 30 * DAY, true);
    await event("ev-new", 1 * DAY, true);
    await run("r-completed", "completed", 20 * DAY, "ev-old-done");
    await run("r-failed", "failed", 20 * DAY);
    await run("r-cancelled", "cancelled", 15 * DAY);
    await run("r-running", "running", null, "ev-old-live");
    await run("r-queued", "queued", null);
    await run("r-recent", "completed", 2 * DAY);
    // A batch of two: three finished old runs take two statements.
    const result = await pruneRunnerHistory({ db: database.db, now, keepMs: 14 * DAY, batchSize: 2 });
    expect(result).toEqual({ runs: 3, steps: 6, events: 1 });
    expect(await ids("inngest_runner_runs")).toEqual(["r-queued", "r-recent", "r-running"]);
    expect(
      (
        await database.query<{ run_id: string }>("select distinct run_id from inngest_runner_steps order by run_id")
      ).map((r) => r.run_id),
    ).toEqual(["r-queued", "r-recent", "r-running"]);
    expect(await ids("inngest_runner_events")).toEqual(["ev-new", "ev-old-live", "ev-old-unprocessed"]);
    // Nothing left to do: a second pass deletes nothing.
    expect(await pruneRunnerHistory({ db: database.db, now, keepMs: 14 * DAY })).toEqual({
      runs: 0,
      steps: 0,
      events: 0,
    });
  });

  it("keeps the sign-in attempts the rate limit still counts, however short the retention", async () => {
    const { db } = database;
    await db.insert(signInAttempts).values([
      { email: "a@x.test", ip: "192.0.2.1", succeeded: false, at: ago(40 * DAY) },
      { email: "a@x.test", ip: "192.0.2.1", succeeded: true, at: ago(10 * DAY) },
      { email: "a@x.test", ip: "192.0.2.1", succeeded: false, at: ago(5 * 60_000) },
    ]);
    expect(await pruneSignInAttempts({ db, now, keepMs: 30 * DAY, windowMs: 15 * 60_000 })).toBe(1);
    // A retention of one minute still keeps the 15-minute window.
    expect(await pruneSignInAttempts({ db, now, keepMs: 60_000, windowMs: 15 * 60_000, batchSize: 1 })).toBe(1);
    const left = await db.select({ at: signInAttempts.at }).from(signInAttempts);
    expect(left.map((r) => r.at.getTime())).toEqual([ago(5 * 60_000).getTime()]);
  });

  it("prunes finished webhook deliveries and their attempts, never one still owed", async () => {
    const { db } = database;
    const [endpoint] = await db
      .insert(webhookEndpoints)
      .values({
        ownerUserId: user.id,
        createdBy: user.id,
        url: "https://hooks.example.test/x",
        events: ["asset.approved"],
        secretSealed: "sealed",
      })
      .returning();
    const deliveries = await db
      .insert(webhookDeliveries)
      .values(
        (["succeeded", "failed", "retrying", "pending", "succeeded"] as const).map((status, i) => ({
          endpointId: endpoint!.id,
          messageId: `msg_${i}`,
          eventType: "asset.approved",
          payload: {},
          status,
          createdAt: i === 4 ? ago(DAY) : ago(60 * DAY),
        })),
      )
      .returning();
    await db
      .insert(webhookAttempts)
      .values(deliveries.flatMap((d) => [1, 2].map((attempt) => ({ deliveryId: d.id, attempt, durationMs: 5 }))));
    expect(await pruneWebhookDeliveries({ db, now, keepMs: 30 * DAY, batchSize: 1 })).toEqual({
      deliveries: 2,
      attempts: 4,
    });
    const left = await db
      .select({ messageId: webhookDeliveries.messageId })
      .from(webhookDeliveries)
      .orderBy(webhookDeliveries.messageId);
    expect(left.map((r) => r.messageId)).toEqual(["msg_2", "msg_3", "msg_4"]);
    expect((await db.select({ n: count() }).from(webhookAttempts))[0]!.n).toBe(6);
  });

  it("never touches the audit log or the cost ledger, however old", async () => {
    const { db } = database;
    await recordAudit({ db, input: { actor: null, action: "user.created", data: {} } });
    await db
      .insert(costLedger)
      .values({
        callKey: "old-call",
        userId: user.id,
        operation: "generate",
        outcome: "succeeded",
        billable: true,
        micros: 1000,
        createdAt: ago(3650 * DAY),
      });
    const counts = async () => ({
      audit: (await db.select({ n: count() }).from(auditEvents))[0]!.n,
      ledger: (await db.select({ n: count() }).from(costLedger))[0]!.n,
    });
    const before = await counts();
    expect(before.ledger).toBe(1);
    // Ten years on, with the shortest retention the settings allow.
    const result = await pruneExpiredRecords({ db, now: new Date(Date.now() + 3650 * DAY) });
    expect(result.runner.skipped).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it("does nothing to runner history on an installation without the embedded runner", async () => {
    const other = await createTestDatabase();
    try {
      expect(await pruneRunnerHistory({ db: other.db, now, keepMs: DAY })).toEqual({
        runs: 0,
        steps: 0,
        events: 0,
        skipped: "no runner tables",
      });
      expect(rowsOf<{ n: number }>(await other.db.execute(sql`select 1 as n`))[0]!.n).toBe(1);
    } finally {
      await other.close();
    }
  });
});
