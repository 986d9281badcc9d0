import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRun, getRun, listRuns, replayRun } from "./index";
import { createHarness, trigger } from "./test-harness";

let h: Awaited<ReturnType<typeof createHarness>>;
let healthy = false;

beforeAll(async () => {
  h = await createHarness({
    appId: "admin",
    functions: (inngest) => [
      inngest.createFunction({ id: "flaky", retries: 1, triggers: [{ event: "t/flaky" }] }, async ({ step }) => {
        await step.run("first", () => "fine");
        return step.run("second", () => {
          if (!healthy) throw new Error("provider down");
          return "recovered";
        });
      }),
      inngest.createFunction({ id: "slow", triggers: [{ event: "t/slow" }] }, async ({ step }) => {
        await step.sleep("wait-a-while", "1h");
      }),
    ],
  });
});

afterAll(() => h?.close());

describe("admin calls for the Runs page", () => {
  it("lists runs and shows a run's step timeline with output or error", async () => {
    const failedId = await trigger(h, "admin-flaky", { name: "t/flaky" });
    const failed = await h.finished(failedId);
    expect(failed).toMatchObject({
      functionId: "admin-flaky",
      functionName: "flaky",
      status: "failed",
      eventName: "t/flaky",
      attempts: 2,
    });
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed.steps.map((s) => [s.name, s.status])).toEqual([
      ["first", "completed"],
      ["second", "failed"],
    ]);
    expect(failed.steps[0]!.output).toBe("fine");
    expect(failed.steps[1]!.error).toMatchObject({ message: "provider down" });
    expect((failed.error as { message: string }).message).toBe("provider down");

    const all = await listRuns({ db: h.db });
    expect(all.map((r) => r.id)).toContain(failedId);
    expect(await listRuns({ db: h.db, status: "completed" })).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ id: failedId })]),
    );
    expect(await getRun({ db: h.db, runId: "nope" })).toBeNull();
  });

  it("replays a failed run as a new run with the same event", async () => {
    const [failed] = await listRuns({ db: h.db, status: "failed", functionId: "admin-flaky" });
    healthy = true;
    const newId = await replayRun({ db: h.db, runId: failed!.id });
    const replayed = await h.finished(newId);
    expect(replayed).toMatchObject({ status: "completed", output: "recovered", replayOf: failed!.id });
    await expect(replayRun({ db: h.db, runId: newId })).rejects.toThrow(/only failed or cancelled/);
  });

  it("cancels a sleeping run and shows what it was waiting on", async () => {
    const id = await trigger(h, "admin-slow", { name: "t/slow" });
    const sleeping = await h.waitFor(async () => {
      const run = await getRun({ db: h.db, runId: id });
      return run?.steps.some((s) => s.status === "sleeping") ? run : null;
    });
    expect(sleeping.steps).toEqual([
      expect.objectContaining({ name: "wait-a-while", op: "sleep", status: "sleeping" }),
    ]);
    expect(await cancelRun({ db: h.db, runId: id })).toBe(true);
    expect(await cancelRun({ db: h.db, runId: id })).toBe(false);
    const run = await getRun({ db: h.db, runId: id });
    expect(run).toMatchObject({ status: "cancelled", steps: [] });
  });
});
