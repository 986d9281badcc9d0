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

  it("skips events over idempotency and rate limits, as Inngest does", async () => {
    await h.send([1, 1, 2, 1].map((orderId) => ({ name: "t/once", data: { orderId } })));
    await h.send(Array.from({ length: 5 }, (_, i) => ({ name: "t/limited", data: { i } })));
    const once = await allDone("limits-once", 2);
    const limited = await allDone("limits-limited", 2);
    expect([once.length, limited.length]).toEqual([2, 2]);
  });
});
