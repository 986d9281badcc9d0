import { AsyncLocalStorage } from "node:async_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/db/testing";
import type { Database } from "@/db/client";
import { startRunner, type RunnerHandle } from "./index";
import { silent } from "./test-harness";
import type { Query, RunnerDb } from "./types";

/**
 * The event API's intake runs in the caller's wrapper (Kiln: with the pages on the embedded
 * database), and only the storing of the events does: the scheduler tick and the event matching it
 * wakes run in the runner's own context, or every later tick would inherit the request's.
 */
describe("the runner's event intake", () => {
  const context = new AsyncLocalStorage<string>();
  const seen: Array<{ sql: string; context: string | undefined }> = [];
  let database: Database;
  let runner: RunnerHandle;

  beforeAll(async () => {
    database = await createTestDatabase();
    const record = (sql: string) => seen.push({ sql: sql.replace(/\s+/g, " ").trim(), context: context.getStore() });
    const db: RunnerDb = {
      query: (sql, params) => (record(sql), database.query(sql, params)),
      transaction: (fn) =>
        database.transaction((q) => fn(((sql: string, params?: unknown[]) => (record(sql), q(sql, params))) as Query)),
    };
    runner = await startRunner({
      db,
      port: 0,
      appUrl: "http://127.0.0.1:9/api/inngest",
      logger: silent,
      syncIntervalMs: 60_000,
      eventIntake: (store) => context.run("intake", store),
    });
  });
  afterAll(async () => {
    await runner?.close();
    await database?.close();
  });

  it("stores the events inside the wrapper and wakes the scheduler and the matching outside it", async () => {
    const before = seen.length;
    const response = await fetch(`${runner.url}/e/any-key`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { name: "test/one", data: { n: 1 } },
        { name: "test/two", data: { n: 2 } },
      ]),
    });
    expect(response.status).toBe(200);
    // The matching the intake woke reads the stored events, and the scheduler ticks again.
    await expect
      .poll(() => seen.slice(before).some((q) => /FROM inngest_runner_events WHERE NOT processed/i.test(q.sql)), {
        timeout: 10_000,
      })
      .toBe(true);
    await new Promise((r) => setTimeout(r, 300));

    const since = seen.slice(before);
    const inside = since.filter((q) => q.context === "intake");
    // Both events in one statement (insertEvents).
    expect(inside.map((q) => q.sql.slice(0, 35))).toEqual(["INSERT INTO inngest_runner_events ("]);
    const woken = since.filter((q) => q.context === undefined);
    expect(woken.length).toBeGreaterThan(0);
    expect(woken.length + inside.length).toBe(since.length);
  });
});
