/**
 * The scheduler starts a job at most once at a time: a tick whose read saw a freshly queued job
 * and the fast path that starts it straight after its commit must not both call the app (the
 * runner-lock test caught a step run twice that way under load).
 */
import { describe, expect, it } from "vitest";
import { Registry } from "./registry";
import { Scheduler } from "./scheduler";
import { silent } from "./test-harness";

describe("Scheduler.start", () => {
  it("ignores a second start of a job that is already in flight", async () => {
    const reads: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const engine = {
      db: {
        // runCall's read of the job: held open so the first start is still in flight.
        query: async (_sql: string, params?: unknown[]) => {
          reads.push(Number(params?.[0]));
          await gate;
          return [];
        },
        transaction: async () => {
          throw new Error("not reached");
        },
      },
      registry: new Registry(silent),
      logger: silent,
      backoff: { baseMs: 10, maxMs: 10 },
      wake() {},
      wakeEvents() {},
    };
    const scheduler = new Scheduler(engine as never, {
      maxInFlight: 4,
      pollMs: 60_000,
      callTimeoutMs: 1_000,
      checkpointing: true,
    });
    const job = {
      id: 7,
      run_id: "r",
      kind: "call",
      step_id: "",
      name: null,
      attempt: 0,
      payload: null,
      concurrency: [],
    };
    const start = (scheduler as unknown as { start(j: typeof job): void }).start.bind(scheduler);
    start(job);
    start(job);
    release();
    await scheduler.stop();
    expect(reads).toEqual([7]);
  });
});
