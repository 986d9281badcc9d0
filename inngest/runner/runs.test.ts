import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import { createRun } from "./runs";
import { createHarness, silent } from "./test-harness";
import type { Query } from "./types";

/**
 * Creating a run inside the caller's transaction (an event's trigger, an invoke, a cron, a replay):
 * the run and its first call are sent together, so the embedded database waits on the caller once
 * for both (it serves one transaction at a time, and every wait holds it).
 */
let h: Awaited<ReturnType<typeof createHarness>>;
beforeAll(async () => {
  h = await createHarness({ appId: "rt", functions: () => [] });
});
afterAll(() => h?.close());

/**
 * Runs `work` in a transaction whose statements are counted in round trips: a statement issued while
 * none of the transaction's statements is unanswered starts a new trip (the caller waited for a reply).
 */
async function inTrips<T>(work: (q: Query) => Promise<T>): Promise<{ value: T; trips: number }> {
  let pending = 0;
  let trips = 0;
  const value = await h.db.transaction((q) =>
    work(async (text, params) => {
      if (pending === 0) trips++;
      pending++;
      try {
        return await q(text, params);
      } finally {
        pending--;
      }
    }),
  );
  return { value, trips };
}

const engine = () =>
  ({
    db: h.db,
    logger: silent,
    wake: () => undefined,
    wakeEvents: () => undefined,
    registry: { synced: false, cancelledBy: () => [], triggeredBy: () => [] },
  }) as unknown as Engine;
const fn = (unsupported: string[] = []) =>
  ({ id: "rt-fn", config: { triggers: [{ event: "t/x" }] }, unsupported }) as unknown as RegisteredFunction;
const event = (id: string) => ({ id, name: "t/x", data: {}, ts: Date.now() });

describe("createRun", () => {
  it("sends the run and its first call in one round trip, and both are stored", async () => {
    const { value: runId, trips } = await inTrips((q) => createRun(q, engine(), fn(), event("e-1")));
    expect(trips).toBe(1);
    const [run] = await h.db.query<{ status: string }>("SELECT status FROM inngest_runner_runs WHERE id = $1", [runId]);
    expect(run?.status).toBe("queued");
    const jobs = await h.db.query<{ kind: string; step_id: string }>(
      "SELECT kind, step_id FROM inngest_runner_jobs WHERE run_id = $1",
      [runId],
    );
    expect(jobs).toEqual([{ kind: "call", step_id: "" }]);
  });

  it("a run the runner cannot serve is stored failed, with no call queued", async () => {
    const { value: runId } = await inTrips((q) =>
      createRun(q, engine(), fn(["the op X is not supported"]), event("e-2")),
    );
    const [run] = await h.db.query<{ status: string; error: { message: string } }>(
      "SELECT status, error FROM inngest_runner_runs WHERE id = $1",
      [runId],
    );
    expect(run?.status).toBe("failed");
    expect(run?.error.message).toBe("Embedded Inngest runner: the op X is not supported");
    expect(await h.db.query("SELECT id FROM inngest_runner_jobs WHERE run_id = $1", [runId])).toEqual([]);
  });
});
