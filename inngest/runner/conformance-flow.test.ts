import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, trigger } from "./test-harness";

let h: Awaited<ReturnType<typeof createHarness>>;
const seen: string[] = [];
let cancelledStepRan = false;

beforeAll(async () => {
  h = await createHarness({
    appId: "flow",
    functions: (inngest) => {
      const child = inngest.createFunction(
        { id: "child", triggers: [{ event: "t/never" }] },
        async ({ event, step }) => {
          const doubled = await step.run("double", () => (event.data as { n: number }).n * 2);
          return { doubled };
        },
      );
      const failingChild = inngest.createFunction(
        { id: "failing-child", retries: 0, triggers: [{ event: "t/never" }] },
        async () => {
          throw new Error("child broke");
        },
      );
      return [
        child,
        failingChild,
        inngest.createFunction({ id: "sleeper", triggers: [{ event: "t/sleep" }] }, async ({ step }) => {
          const before = await step.run("before", () => Date.now());
          await step.sleep("nap", "1s");
          const after = await step.run("after", () => Date.now());
          return after - before;
        }),
        inngest.createFunction({ id: "waiter", triggers: [{ event: "t/wait" }] }, async ({ event, step }) => {
          const got = await step.waitForEvent("approval", {
            event: "t/approved",
            timeout: (event.data as { timeout: string }).timeout,
            if: "async.data.orderId == event.data.orderId && async.data.ok == true",
          });
          return got ? { approvedBy: (got.data as { by: string }).by } : { timedOut: true };
        }),
        inngest.createFunction({ id: "invoker", triggers: [{ event: "t/invoke" }] }, async ({ step }) => {
          const ok = await step.invoke("call-child", { function: child, data: { n: 21 } });
          let failure = "";
          try {
            await step.invoke("call-failing", { function: failingChild, data: {} });
          } catch (err) {
            failure = (err as Error).message;
          }
          return { ok, failure };
        }),
        inngest.createFunction({ id: "fanout", triggers: [{ event: "t/fanout" }] }, async ({ step }) => {
          const { ids } = await step.sendEvent(
            "fan",
            [1, 2, 3].map((i) => ({ name: "t/leaf", data: { i } })),
          );
          return ids.length;
        }),
        inngest.createFunction(
          { id: "leaf", triggers: [{ event: "t/leaf", if: "event.data.i != 2" }] },
          async ({ event, step }) => {
            await step.run("record", () => seen.push(`leaf-${(event.data as { i: number }).i}`));
          },
        ),
        inngest.createFunction(
          {
            id: "cancellable",
            triggers: [{ event: "t/cancellable" }],
            cancelOn: [{ event: "t/cancel", match: "data.id" }],
          },
          async ({ step }) => {
            await step.sleep("long", "30s");
            await step.run("after-sleep", () => (cancelledStepRan = true));
          },
        ),
      ];
    },
  });
});

afterAll(() => h?.close());

describe("flow control", () => {
  it("sleeps durably for the requested time", async () => {
    const run = await h.finished(await trigger(h, "flow-sleeper", { name: "t/sleep" }));
    expect(run.status).toBe("completed");
    expect(run.output as number).toBeGreaterThanOrEqual(950);
    expect(run.steps.map((s) => s.op)).toEqual(["StepRun", "Sleep", "StepRun"]);
  });

  it("keeps the run's record: running from its first call (with its start), then its end, the SDK's version and no jobs left", async () => {
    const runId = await trigger(h, "flow-sleeper", { name: "t/sleep" });
    // Mid-sleep the run is running: marked by the statement that read it for its first call.
    const during = await h.waitFor(async () => {
      const [row] = await h.db.query<{ status: string; started_at: number | null }>(
        "SELECT r.status, r.started_at FROM inngest_runner_runs r JOIN inngest_runner_jobs j ON j.run_id = r.id WHERE r.id = $1 AND j.kind = 'sleep'",
        [runId],
      );
      return row;
    });
    expect(during.status).toBe("running");
    expect(Number(during.started_at)).toBeGreaterThan(0);
    await h.finished(runId);
    const [ended] = await h.db.query<{ status: string; version: number; started_at: number; ended_at: number }>(
      "SELECT status, version, started_at, ended_at FROM inngest_runner_runs WHERE id = $1",
      [runId],
    );
    expect(ended!.status).toBe("completed");
    // The checkpointed end stores the execution version with the run's end (one statement).
    expect(Number(ended!.version)).toBe(2);
    expect(Number(ended!.started_at)).toBe(Number(during.started_at));
    expect(Number(ended!.ended_at)).toBeGreaterThanOrEqual(Number(ended!.started_at));
    expect(await h.db.query("SELECT 1 FROM inngest_runner_jobs WHERE run_id = $1", [runId])).toEqual([]);
  });

  it("resolves waitForEvent with null on timeout", async () => {
    const run = await h.finished(
      await trigger(h, "flow-waiter", { name: "t/wait", data: { orderId: "o1", timeout: "1s" } }),
    );
    expect(run.output).toEqual({ timedOut: true });
  });

  it("resumes waitForEvent only with an event matching its `if`", async () => {
    const runId = await trigger(h, "flow-waiter", { name: "t/wait", data: { orderId: "o2", timeout: "1m" } });
    await h.waitFor(() =>
      h.db
        .query("SELECT 1 FROM inngest_runner_jobs WHERE run_id = $1 AND kind = 'wait'", [runId])
        .then((r) => r.length > 0),
    );
    await h.send([
      { name: "t/approved", data: { orderId: "other", ok: true, by: "wrong-order" } },
      { name: "t/approved", data: { orderId: "o2", ok: false, by: "not-ok" } },
      { name: "t/approved", data: { orderId: "o2", ok: true, by: "alice" } },
    ]);
    const run = await h.finished(runId);
    expect(run.output).toEqual({ approvedBy: "alice" });
  });

  it("invokes another function and gets its result or its error", async () => {
    const run = await h.finished(await trigger(h, "flow-invoker", { name: "t/invoke" }));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ ok: { doubled: 42 }, failure: expect.stringContaining("child broke") });
  });

  it("fans out with sendEvent, and trigger `if` expressions filter runs", async () => {
    const run = await h.finished(await trigger(h, "flow-fanout", { name: "t/fanout" }));
    expect(run.output).toBe(3);
    const leaves = await h.waitFor(async () => {
      const rows = await h.runsOf("flow-leaf");
      return rows.length === 2 && rows.every((r) => r.status === "completed") ? rows : null;
    });
    expect(leaves).toHaveLength(2);
    expect(seen.sort()).toEqual(["leaf-1", "leaf-3"]);
  });

  it("cancels a run on a matching cancelOn event, and only that run", async () => {
    const keep = await trigger(h, "flow-cancellable", { name: "t/cancellable", data: { id: "keep" } });
    const drop = await trigger(h, "flow-cancellable", { name: "t/cancellable", data: { id: "drop" } });
    await h.waitFor(() =>
      h.db
        .query("SELECT 1 FROM inngest_runner_jobs WHERE run_id = $1 AND kind = 'sleep'", [drop])
        .then((r) => r.length > 0),
    );
    await h.send({ name: "t/cancel", data: { id: "drop" } });
    const run = await h.finished(drop);
    expect(run.status).toBe("cancelled");
    const [kept] = await h.db.query<{ status: string }>("SELECT status FROM inngest_runner_runs WHERE id = $1", [keep]);
    expect(kept!.status).toBe("running");
    expect(cancelledStepRan).toBe(false);
  });
});
