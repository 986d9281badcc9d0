import { afterEach, describe, expect, it } from "vitest";
import { createHarness, trigger } from "./test-harness";

/**
 * Graceful shutdown (lib/system/shutdown.ts): a runner stopped with a deadline lets the call in flight
 * finish and keeps its results (with checkpointing, the call runs the rest of the run), so a restart
 * does not run them again; stopped without one (a crash, or the deadline passed) it abandons the call
 * and the step runs again later.
 */
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function slowApp() {
  let started = 0;
  let finished = 0;
  const h = await createHarness({
    appId: "drain",
    functions: (inngest) => [
      inngest.createFunction({ id: "slow", triggers: [{ event: "t/slow" }] }, async ({ step }) => {
        await step.run("work", async () => {
          started += 1;
          await new Promise((r) => setTimeout(r, 600));
          finished += 1;
          return "done";
        });
        await step.run("after", async () => "after");
      }),
    ],
  });
  close = () => h.close();
  return { h, started: () => started, finished: () => finished };
}

const stepsOf = (h: Awaited<ReturnType<typeof createHarness>>, runId: string) =>
  h.db.query<{ step_id: string; status: string }>(
    "SELECT step_id, status FROM inngest_runner_steps WHERE run_id = $1",
    [runId],
  );

describe("stopping the runner", () => {
  it("with a deadline, lets the call in flight finish and keeps its results", async () => {
    const app = await slowApp();
    const runId = await trigger(app.h, "drain-slow", { name: "t/slow" });
    await app.h.waitFor(async () => app.started() === 1);
    await app.h.stopRunner(Date.now() + 5_000);
    expect(app.finished()).toBe(1);
    const steps = await stepsOf(app.h, runId);
    expect(steps.map((s) => s.status)).toEqual(["completed", "completed"]);
    const [run] = await app.h.db.query<{ status: string }>("SELECT status FROM inngest_runner_runs WHERE id = $1", [
      runId,
    ]);
    expect(run?.status).toBe("completed");
  }, 60_000);

  it("without one, abandons the call: nothing is recorded and the step runs again after a restart", async () => {
    const app = await slowApp();
    const runId = await trigger(app.h, "drain-slow", { name: "t/slow" });
    await app.h.waitFor(async () => app.started() === 1);
    await app.h.stopRunner();
    expect(await stepsOf(app.h, runId)).toEqual([]);
  }, 60_000);
});
