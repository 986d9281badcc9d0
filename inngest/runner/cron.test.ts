import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cronProblem, nextCronTime } from "./cron";
import { getRun, startRunner } from "./index";
import { createHarness, silent } from "./test-harness";

describe("cron expressions", () => {
  it("finds the next match in UTC or the given zone, and names what it cannot parse", () => {
    const at = Date.parse("2026-12-04T10:20:30Z");
    expect(new Date(nextCronTime("0 * * * *", at)!).toISOString()).toBe("2026-12-04T11:00:00.000Z");
    expect(new Date(nextCronTime("30 9 * * 1", at)!).toISOString()).toBe("2026-12-07T09:30:00.000Z");
    expect(new Date(nextCronTime("TZ=Europe/Paris 0 9 * * *", at)!).toISOString()).toBe("2026-12-05T08:00:00.000Z");
    expect(cronProblem("0 * * * *")).toBeNull();
    expect(cronProblem("every hour")).toMatch(/cannot parse the cron expression "every hour"/);
  });
});

describe("cron triggers in the embedded runner", () => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  const ticks: string[] = [];

  beforeAll(async () => {
    h = await createHarness({
      appId: "cron",
      functions: (inngest) => [
        // Six fields: every second (croner's seconds field), so the test need not wait a minute.
        inngest.createFunction({ id: "every-second", triggers: [{ cron: "* * * * * *" }] }, async ({ event, step }) => {
          const name = await step.run("note", () => event.name);
          ticks.push(name);
          return { cron: (event.data as { cron: string }).cron };
        }),
        inngest.createFunction(
          { id: "yearly", triggers: [{ cron: "0 0 1 1 *" }, { event: "t/manual" }] },
          async () => "ok",
        ),
      ],
    });
  }, 120_000);
  afterAll(() => h.close());

  it("creates one due row per cron function after sync, and starts a run each time one falls due", async () => {
    const rows = await h.waitFor(async () => {
      const r = await h.db.query<{ function_id: string; cron: string; next_at: number }>(
        "SELECT function_id, cron, next_at FROM inngest_runner_crons ORDER BY function_id",
      );
      return r.length === 2 ? r : null;
    });
    expect(rows.map((r) => [r.function_id, r.cron])).toEqual([
      ["cron-every-second", "* * * * * *"],
      ["cron-yearly", "0 0 1 1 *"],
    ]);
    expect(Number(rows[1]!.next_at)).toBe(nextCronTime("0 0 1 1 *", Date.now()));
    const runs = await h.waitFor(async () => {
      const r = await h.runsOf("cron-every-second");
      return r.filter((x) => x.status === "completed").length >= 2 ? r : null;
    }, 10_000);
    const run = await getRun({ db: h.db, runId: runs[0]!.id });
    expect(run?.output).toEqual({ cron: "* * * * * *" });
    expect(ticks.every((t) => t === "inngest/scheduled.timer")).toBe(true);
    // Never two runs for one due time: the event ids (function + due time) are all different.
    const ids = await h.db.query<{ event_id: string }>(
      "SELECT event_id FROM inngest_runner_runs WHERE function_id = 'cron-every-second'",
    );
    expect(new Set(ids.map((r) => r.event_id)).size).toBe(ids.length);
    expect(await h.runsOf("cron-yearly")).toEqual([]);
  }, 60_000);
});

describe("cron triggers survive a restart", () => {
  it("keeps the due time in the database; time missed while stopped becomes one run, fired once", async () => {
    // The harness's own runner stays in standby: the test starts and stops runners on its database.
    const h = await createHarness({
      appId: "cronr",
      runner: { standby: true },
      functions: (inngest) => [
        inngest.createFunction({ id: "hourly", triggers: [{ cron: "0 * * * *" }] }, async () => "ran"),
      ],
    });
    const start = () =>
      startRunner({
        db: h.db,
        port: 0,
        appUrl: h.appUrl,
        logger: silent,
        syncIntervalMs: 60_000,
        backoff: { baseMs: 20, maxMs: 200 },
      });
    try {
      const first = await start();
      const [row] = await h.waitFor(async () => {
        const r = await h.db.query<{ next_at: number }>(
          "SELECT next_at FROM inngest_runner_crons WHERE function_id = 'cronr-hourly'",
        );
        return r.length ? r : null;
      });
      expect(Number(row!.next_at)).toBe(nextCronTime("0 * * * *", Date.now()));
      await first.close();
      // Down across three due times: the row is overdue by three hours when the next runner starts.
      await h.db.query("UPDATE inngest_runner_crons SET next_at = $1", [Number(row!.next_at) - 3 * 3_600_000]);
      const second = await start();
      try {
        const runs = await h.waitFor(async () => {
          const r = await h.runsOf("cronr-hourly");
          return r.length && r.every((x) => x.status === "completed") ? r : null;
        }, 10_000);
        expect(runs).toHaveLength(1);
        const [after] = await h.db.query<{ next_at: number }>(
          "SELECT next_at FROM inngest_runner_crons WHERE function_id = 'cronr-hourly'",
        );
        expect(Number(after!.next_at)).toBe(nextCronTime("0 * * * *", Date.now()));
        // A third runner on the same database (a second process) does not fire it again.
        const third = await start();
        await new Promise((r) => setTimeout(r, 1_500));
        await third.close();
        expect(await h.runsOf("cronr-hourly")).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await h.close();
    }
  }, 120_000);
});
