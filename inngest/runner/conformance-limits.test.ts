import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "./test-harness";

let h: Awaited<ReturnType<typeof createHarness>>;
const active: Record<string, number> = {};
const peak: Record<string, number> = {};
let peakTotal = 0;
const throttleStarts: number[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await createHarness({
    appId: "limits",
    functions: (inngest) => [
      inngest.createFunction(
        { id: "gpu", concurrency: { limit: 2, key: "event.data.provider" }, triggers: [{ event: "t/gpu" }] },
        async ({ event, step }) => {
          const provider = (event.data as { provider: string }).provider;
          for (const name of ["render", "upscale"]) {
            await step.run(name, async () => {
              active[provider] = (active[provider] ?? 0) + 1;
              peak[provider] = Math.max(peak[provider] ?? 0, active[provider]!);
              peakTotal = Math.max(
                peakTotal,
                Object.values(active).reduce((a, b) => a + b, 0),
              );
              await sleep(60);
              active[provider]!--;
            });
          }
        },
      ),
      inngest.createFunction(
        { id: "deep", concurrency: { limit: 1, key: "event.data.provider" }, triggers: [{ event: "t/deep" }] },
        async ({ step }) => {
          await step.run("render", () => sleep(300));
        },
      ),
      inngest.createFunction({ id: "beside", triggers: [{ event: "t/beside" }] }, async ({ step }) => {
        await step.run("check", () => "checked");
      }),
      inngest.createFunction(
        { id: "once", idempotency: "event.data.orderId", triggers: [{ event: "t/once" }] },
        async () => "ran",
      ),
      inngest.createFunction(
        { id: "limited", rateLimit: { limit: 2, period: "1m" }, triggers: [{ event: "t/limited" }] },
        async () => "ran",
      ),
      inngest.createFunction(
        { id: "throttled", throttle: { limit: 2, period: "1s" }, triggers: [{ event: "t/throttle" }] },
        async ({ step }) => {
          await step.run("start", () => throttleStarts.push(Date.now()));
        },
      ),
    ],
  });
});

afterAll(() => h?.close());

const allDone = (fnId: string, n: number) =>
  h.waitFor(async () => {
    const rows = await h.runsOf(fnId);
    return rows.length === n && rows.every((r) => r.status === "completed") ? rows : null;
  }, 30_000);

describe("limits", () => {
  it("never exceeds the concurrency limit per key, while other keys run alongside", async () => {
    const events = ["a", "b"].flatMap((provider) =>
      Array.from({ length: 6 }, (_, i) => ({ name: "t/gpu", data: { provider, i } })),
    );
    expect((await h.send(events)).status).toBe(200);
    await allDone("limits-gpu", 12);
    expect(peak).toEqual({ a: 2, b: 2 });
    expect(peakTotal).toBeGreaterThan(2);
  });

  it("throttles run starts to the limit per period without dropping any", async () => {
    const events = Array.from({ length: 6 }, (_, i) => ({ name: "t/throttle", data: { i } }));
    expect((await h.send(events)).status).toBe(200);
    const runs = await allDone("limits-throttled", 6);
    expect(throttleStarts).toHaveLength(6);
    const rows = await h.db.query<{ started_at: number; throttle_at: number }>(
      "SELECT started_at, throttle_at FROM inngest_runner_runs WHERE function_id = 'limits-throttled' ORDER BY throttle_at",
    );
    expect(rows).toHaveLength(runs.length);
    // Each run gets a start slot; any window of one period holds at most `limit` slots, and no
    // run starts before its slot.
    for (let i = 2; i < rows.length; i++)
      expect(Number(rows[i]!.throttle_at) - Number(rows[i - 2]!.throttle_at)).toBeGreaterThanOrEqual(1000);
    for (const r of rows) expect(Number(r.started_at)).toBeGreaterThanOrEqual(Number(r.throttle_at));
    // The step bodies ran no earlier than their slots: the last one at least two periods after the first slot.
    expect(Math.max(...throttleStarts) - Number(rows[0]!.throttle_at)).toBeGreaterThanOrEqual(2000);
  });

  it("runs other work beside a queue deeper than one read of due jobs, all of it on one full key", async () => {
    // 600 runs wait on one key that takes one call at a time (a big batch on one GPU endpoint): more
    // queued calls than the scheduler reads in one pass (500). Work of another function, queued after
    // them, must start at once, not once the queue has drained below a pass (100 runs × 300 ms and more).
    const queue = Array.from({ length: 600 }, (_, i) => ({ name: "t/deep", data: { provider: "one", i } }));
    expect((await h.send(queue)).status).toBe(200);
    await h.waitFor(async () => (await h.runsOf("limits-deep")).length === 600, 30_000);
    const sent = Date.now();
    expect((await h.send({ name: "t/beside" })).status).toBe(200);
    await h.waitFor(async () => (await h.runsOf("limits-beside")).some((r) => r.status === "completed"), 10_000);
    expect(Date.now() - sent).toBeLessThan(10_000);
    const deep = await h.runsOf("limits-deep");
    expect(deep.filter((r) => r.status === "completed").length).toBeLessThan(100);
  }, 60_000);

  it("skips events over idempotency and rate limits, as Inngest does", async () => {
    await h.send([1, 1, 2, 1].map((orderId) => ({ name: "t/once", data: { orderId } })));
    await h.send(Array.from({ length: 5 }, (_, i) => ({ name: "t/limited", data: { i } })));
    const once = await allDone("limits-once", 2);
    const limited = await allDone("limits-limited", 2);
    expect([once.length, limited.length]).toEqual([2, 2]);
  });
});
