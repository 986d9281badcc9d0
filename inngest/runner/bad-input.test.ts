import { referenceFunction } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_EVENT_BYTES } from "./events";
import { startRunner } from "./index";
import { createHarness, silent, trigger } from "./test-harness";

let h: Awaited<ReturnType<typeof createHarness>>;

beforeAll(async () => {
  h = await createHarness({
    appId: "bad",
    functions: (inngest) => [
      inngest.createFunction({ id: "ok", triggers: [{ event: "t/ok" }] }, async ({ event }) => event.data),
      inngest.createFunction({ id: "invoke-unknown", triggers: [{ event: "t/invoke-unknown" }] }, async ({ step }) => {
        try {
          await step.invoke("ghost", { function: referenceFunction({ functionId: "does-not-exist" }), data: {} });
        } catch (err) {
          return (err as Error).message;
        }
      }),
      inngest.createFunction({ id: "signal", triggers: [{ event: "t/signal" }] }, async ({ step }) => {
        await step.waitForSignal("sig", { signal: "s-1", timeout: "1m" });
      }),
    ],
  });
});

afterAll(() => h?.close());

const post = (body: string | unknown) => h.send(body);
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

describe("bad input", () => {
  it("rejects malformed events with clear errors and stores none of the batch", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      ["{not json", 400, /not valid JSON/],
      [{ data: {} }, 400, /"name" is required/],
      [{ name: "" }, 400, /"name" is required/],
      [{ name: "t/ok", data: [1, 2] }, 400, /"data" must be an object/],
      [{ name: "t/ok", data: "text" }, 400, /"data" must be an object/],
      [[], 400, /no events/],
      [42, 400, /must be a JSON object/],
      [
        [
          { name: "t/ok", data: { i: 1 } },
          { name: "t/ok", data: 5 },
        ],
        400,
        /event 1: "data" must be an object/,
      ],
      [{ name: "inngest/function.failed", data: {} }, 400, /reserved/],
      [{ name: "t/ok", data: { s: "\u0000" } }, 400, /NUL/],
      [{ name: "t/ok", data: { blob: "x".repeat(MAX_EVENT_BYTES) } }, 413, /limit is 524288/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(typeof body === "string" ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(await errorOf(res)).toMatch(message);
    }
    const [row] = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM inngest_runner_events");
    expect(row!.n).toBe(0);
    const huge = await post(
      JSON.stringify(
        Array.from({ length: 9 }, () => ({ name: "t/ok", data: { blob: "y".repeat(MAX_EVENT_BYTES - 100) } })),
      ),
    );
    expect(huge.status).toBe(413);
  });

  it("keeps running after bad input: a good event still runs, and answers like Inngest", async () => {
    const res = await post({ name: "t/ok", data: { hello: "world" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ids: string[]; status: number };
    expect(body).toEqual({ ids: [expect.stringMatching(/^[0-9A-Z]{26}$/)], status: 200 });
    const [run] = await h.waitFor(() =>
      h.db
        .query<{ id: string }>("SELECT id FROM inngest_runner_runs WHERE event_id = $1", [body.ids[0]])
        .then((r) => (r.length ? r : null)),
    );
    expect((await h.finished(run!.id)).output).toEqual({ hello: "world" });
  });

  it("deduplicates events by id, as Inngest does", async () => {
    const event = { id: "dedupe-1", name: "t/ok", data: { n: 1 } };
    const first = (await (await post([event])).json()) as { ids: string[] };
    const second = (await (await post([event])).json()) as { ids: string[] };
    expect(second.ids).toEqual(first.ids);
    await h.waitFor(() =>
      h.db.query("SELECT 1 FROM inngest_runner_runs WHERE event_id = 'dedupe-1'").then((r) => r.length > 0),
    );
    const rows = await h.db.query("SELECT id FROM inngest_runner_runs WHERE event_id = 'dedupe-1'");
    expect(rows).toHaveLength(1);
  });

  it("stores a send's events together, once per id even within the send, and starts their runs", async () => {
    const events = [
      { id: "batch-1", name: "t/ok", data: { n: 1 } },
      { id: "batch-2", name: "t/ok", data: { n: 2 } },
      { id: "batch-1", name: "t/ok", data: { n: 99 } },
      { id: "dedupe-1", name: "t/ok", data: { n: 3 } }, // stored by the test above
      { id: "batch-3", name: "t/ok", data: { n: 4 } },
    ];
    const response = await post(events);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ids: string[] }).ids).toEqual(events.map((e) => e.id));
    const stored = await h.db.query<{ id: string; data: { n: number } }>(
      "SELECT id, data FROM inngest_runner_events WHERE id LIKE 'batch-%' ORDER BY id",
    );
    expect(stored).toEqual([
      { id: "batch-1", data: { n: 1 } },
      { id: "batch-2", data: { n: 2 } },
      { id: "batch-3", data: { n: 4 } },
    ]);
    await h.waitFor(() =>
      h.db
        .query("SELECT 1 FROM inngest_runner_runs WHERE event_id LIKE 'batch-%'")
        .then((r) => (r.length === 3 ? r : null)),
    );
    const runs = await h.db.query<{ event_id: string }>(
      "SELECT event_id FROM inngest_runner_runs WHERE event_id LIKE 'batch-%' OR event_id = 'dedupe-1' ORDER BY event_id",
    );
    // One run per new event, none for the repeats.
    expect(runs.map((r) => r.event_id)).toEqual(["batch-1", "batch-2", "batch-3", "dedupe-1"]);
  });

  it("stores a send of more events than one statement takes (9,000, over 65,535 parameters) whole", async () => {
    const events = Array.from({ length: 9_000 }, (_, i) => ({ id: `many-${i}`, name: "t/nobody-listens", data: {} }));
    const response = await post(events);
    expect(response.status).toBe(200);
    const [row] = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inngest_runner_events WHERE id LIKE 'many-%'",
    );
    expect(row!.n).toBe(9_000);
  }, 60_000);

  it("fails step.invoke of an unknown function id with a clear StepError", async () => {
    const run = await h.finished(await trigger(h, "bad-invoke-unknown", { name: "t/invoke-unknown" }));
    expect(run.status).toBe("completed");
    expect(run.output).toMatch(/function "bad-does-not-exist" is not registered/);
  });

  it("fails a run loudly when the app asks for an op the runner does not implement", async () => {
    const run = await h.finished(await trigger(h, "bad-signal", { name: "t/signal" }));
    expect(run.status).toBe("failed");
    expect((run.error as { message: string }).message).toMatch(/op "WaitForSignal".*does not support/);
  });

  it("fails a run of a function id the app does not serve, with the app's clear error", async () => {
    // Another "app" registers out-of-band a function that the served app does not have.
    const register = await fetch(`${h.runnerUrl}/fn/register`, {
      method: "POST",
      body: JSON.stringify({
        appName: "ghost-app",
        url: h.appUrl,
        functions: [
          {
            id: "ghost-fn",
            triggers: [{ event: "t/ghost" }],
            steps: {
              step: {
                id: "step",
                name: "step",
                runtime: { type: "http", url: `${h.appUrl}?fnId=ghost-fn&stepId=step` },
                retries: { attempts: 1 },
              },
            },
          },
        ],
      }),
    });
    expect(register.status).toBe(200);
    const run = await h.finished(await trigger(h, "ghost-fn", { name: "t/ghost" }));
    expect(run.status).toBe("failed");
    expect(run.attempts).toBe(2);
    expect((run.error as { message: string }).message).toMatch(/Function "ghost-fn" was not found in this app/);
    const bad = await fetch(`${h.runnerUrl}/fn/register`, {
      method: "POST",
      body: JSON.stringify({ appName: "x", url: "u", functions: [{ nope: 1 }] }),
    });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatch(/without id/);
  });

  it("answers unknown routes with 404 and refuses to bind beyond loopback", async () => {
    const res = await fetch(`${h.runnerUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatch(/no route GET \/nope/);
    await expect(startRunner({ db: h.db, port: 0, appUrl: h.appUrl, host: "0.0.0.0", logger: silent })).rejects.toThrow(
      /only binds to loopback/,
    );
    await expect(
      startRunner({ db: h.db, port: 0, appUrl: h.appUrl, host: "192.168.1.10", logger: silent }),
    ).rejects.toThrow(/loopback/);
  });
});
