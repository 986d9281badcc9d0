import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, trigger } from "./test-harness";

const calls: Record<string, number> = {};
const attemptTimes: Record<string, number[]> = {};
const bump = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
const failures: unknown[] = [];

let h: Awaited<ReturnType<typeof createHarness>>;

beforeAll(async () => {
  h = await createHarness({
    appId: "steps",
    // Big enough that request latency (a few ms, tens on a busy machine) cannot blur the order.
    runner: { backoff: { baseMs: 50, maxMs: 1_000 } },
    functions: (inngest) => [
      inngest.createFunction({ id: "memo", triggers: [{ event: "t/memo" }] }, async ({ step }) => {
        const a = await step.run("a", () => (bump("memo.a"), 1));
        const b = await step.run("b", () => (bump("memo.b"), a + 1));
        const [c, d] = await Promise.all([
          step.run("c", () => (bump("memo.c"), "c")),
          step.run("d", () => (bump("memo.d"), "d")),
        ]);
        const e = await step.run("e", () => (bump("memo.e"), `${c}${d}`));
        return { a, b, e };
      }),
      inngest.createFunction(
        { id: "retry", retries: 3, triggers: [{ event: "t/retry" }] },
        async ({ step, attempt }) => {
          return step.run("flaky", () => {
            (attemptTimes.retry ??= []).push(Date.now());
            if (attempt < 3) throw new Error(`fail ${attempt}`);
            return "ok";
          });
        },
      ),
      inngest.createFunction(
        {
          id: "exhaust",
          retries: 2,
          triggers: [{ event: "t/exhaust" }],
          onFailure: async ({
            event,
            error,
          }: {
            event: { data: { function_id: string; event: { name: string } } };
            error: Error;
          }) => {
            failures.push({ fn: event.data.function_id, message: error.message, original: event.data.event.name });
          },
        },
        async ({ step }) => {
          await step.run("always", () => {
            bump("exhaust");
            throw new Error("always broken");
          });
        },
      ),
      inngest.createFunction({ id: "caught", retries: 0, triggers: [{ event: "t/caught" }] }, async ({ step }) => {
        try {
          await step.run("bad", () => {
            throw new Error("boom");
          });
        } catch (err) {
          return { caught: (err as Error).message };
        }
      }),
      inngest.createFunction(
        { id: "nonretriable", retries: 5, triggers: [{ event: "t/nonretriable" }] },
        async ({ step }) => {
          await step.run("stop", () => {
            bump("nonretriable");
            throw new NonRetriableError("do not retry me");
          });
        },
      ),
      inngest.createFunction(
        { id: "retryafter", retries: 2, triggers: [{ event: "t/retryafter" }] },
        async ({ step, attempt }) => {
          return step.run("later", () => {
            (attemptTimes.retryafter ??= []).push(Date.now());
            if (attempt === 0) throw new RetryAfterError("slow down", 700);
            return "done";
          });
        },
      ),
      inngest.createFunction({ id: "fn-error", retries: 1, triggers: [{ event: "t/fn-error" }] }, async () => {
        bump("fn-error");
        throw "a plain string"; // a non-Error throw
      }),
      inngest.createFunction(
        { id: "unserializable", retries: 0, triggers: [{ event: "t/unserializable" }] },
        async ({ step }) => {
          const lossy = await step.run("lossy", () => {
            const circular: Record<string, unknown> = { n: BigInt(1), ok: true };
            circular.self = circular;
            return circular as never;
          });
          await step.run(
            "throws-on-serialize",
            () =>
              ({
                toJSON() {
                  throw new Error("cannot serialize this value");
                },
              }) as never,
          );
          return lossy;
        },
      ),
    ],
  });
});

afterAll(() => h?.close());

describe("steps", () => {
  it("memoizes: each step body runs once across many calls, parallel steps included", async () => {
    const run = await h.finished(await trigger(h, "steps-memo", { name: "t/memo" }));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ a: 1, b: 2, e: "cd" });
    expect([calls["memo.a"], calls["memo.b"], calls["memo.c"], calls["memo.d"], calls["memo.e"]]).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(run.steps.map((s) => `${s.name}:${s.status}`).sort()).toEqual(
      ["a", "b", "c", "d", "e"].map((n) => `${n}:completed`),
    );
  });

  it("retries a failing step with the function's count and growing backoff", async () => {
    const run = await h.finished(await trigger(h, "steps-retry", { name: "t/retry" }));
    expect(run.status).toBe("completed");
    expect(run.output).toBe("ok");
    const t = attemptTimes.retry!;
    expect(t).toHaveLength(4);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    // Attempt n waits at least base·2^n (50, 100, 200 ms). Upper bounds are left to the unit
    // test of backoffDelay: on a loaded machine request latency alone can exceed them.
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(50 * 2 ** n));
    expect(run.attempts).toBe(4);
    expect(run.steps[0]).toMatchObject({ name: "flaky", status: "completed", attempts: 4 });
  });

  it("fails after retries are exhausted and calls onFailure with the error", async () => {
    const run = await h.finished(await trigger(h, "steps-exhaust", { name: "t/exhaust" }));
    expect(run.status).toBe("failed");
    expect(calls.exhaust).toBe(3);
    expect(JSON.stringify(run.error)).toContain("always broken");
    await h.waitFor(async () => failures.length > 0);
    expect(failures[0]).toEqual({
      fn: "steps-exhaust",
      message: expect.stringContaining("always broken"),
      original: "t/exhaust",
    });
    const handlers = await h.runsOf("steps-exhaust-failure");
    await h.finished(handlers[0]!.id);
  });

  it("hands a failed step's error to the function (StepError) so it can catch it", async () => {
    const run = await h.finished(await trigger(h, "steps-caught", { name: "t/caught" }));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ caught: "boom" });
  });

  it("does not retry NonRetriableError", async () => {
    const run = await h.finished(await trigger(h, "steps-nonretriable", { name: "t/nonretriable" }));
    expect(run.status).toBe("failed");
    expect(calls.nonretriable).toBe(1);
    expect(JSON.stringify(run.error)).toContain("do not retry me");
  });

  it("waits for RetryAfterError's delay instead of the backoff", async () => {
    const run = await h.finished(await trigger(h, "steps-retryafter", { name: "t/retryafter" }));
    expect(run.status).toBe("completed");
    const [a, b] = attemptTimes.retryafter!;
    expect(b! - a!).toBeGreaterThanOrEqual(600);
  });

  it("retries a function-level error (even a thrown string) and reports it clearly", async () => {
    const run = await h.finished(await trigger(h, "steps-fn-error", { name: "t/fn-error" }));
    expect(run.status).toBe("failed");
    expect(calls["fn-error"]).toBe(2);
    expect(JSON.stringify(run.error)).toContain("a plain string");
  });

  it("stores what the SDK serializes for lossy values and fails clearly on unserializable ones", async () => {
    const run = await h.finished(await trigger(h, "steps-unserializable", { name: "t/unserializable" }));
    // The SDK drops BigInts and marks circular references; the runner memoizes exactly that.
    expect(run.steps[0]).toMatchObject({
      name: "lossy",
      status: "completed",
      output: { ok: true, self: expect.stringContaining("[Circular") },
    });
    expect(run.status).toBe("failed");
    expect(JSON.stringify(run.error)).toContain("cannot serialize this value");
  });
});
