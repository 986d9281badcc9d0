/**
 * Test harness: a real Inngest SDK app served by the real `inngest/node` serve() handler on an
 * HTTP server, driven over HTTP by a real runner on a real test database (PGlite or Postgres).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { createTestDatabase } from "@/db/testing";
import { getRun, startRunner, type RunnerOptions } from "./index";
import type { RunDetail } from "./admin";
import type { RunnerDb } from "./types";

export const silent = { info() {}, warn() {}, error() {}, debug() {} };

type Harness = {
  db: RunnerDb;
  inngest: Inngest;
  runnerUrl: string;
  appUrl: string;
  send(events: unknown, key?: string): Promise<Response>;
  /** Waits until some run of `fnId` (full id, e.g. "t-fn") reaches a terminal status. */
  finished(runId: string, timeoutMs?: number): Promise<RunDetail>;
  runsOf(fnId: string): Promise<Array<{ id: string; status: string }>>;
  waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  /** Stops the runner (graceful until `deadline` when given), leaving the app and the database up. */
  stopRunner(deadline?: number): Promise<void>;
  close(): Promise<void>;
};

export async function createHarness(opts: {
  appId: string;
  functions: (inngest: Inngest) => InngestFunction.Any[];
  runner?: Partial<RunnerOptions> & { standby?: boolean };
  client?: Record<string, unknown>;
  /** Sees every request the app receives (e.g. to count calls). */
  tap?: (req: http.IncomingMessage) => void;
}): Promise<Harness> {
  const database = await createTestDatabase();
  const db: RunnerDb = { query: database.query, transaction: database.transaction };
  let handler: http.RequestListener | undefined;
  const app = http.createServer((req, res) => {
    opts.tap?.(req);
    if (handler) return handler(req, res);
    res.writeHead(503).end();
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  const runner = await startRunner({
    db,
    port: 0,
    appUrl,
    logger: silent,
    backoff: { baseMs: 20, maxMs: 200 },
    syncIntervalMs: 60_000,
    ...opts.runner,
  });
  const inngest = new Inngest({
    id: opts.appId,
    isDev: true,
    baseUrl: runner.url,
    logger: silent,
    ...opts.client,
  } as never);
  handler = serve({ client: inngest, functions: opts.functions(inngest) }) as http.RequestListener;
  const waitFor = async <T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > until) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    db,
    inngest,
    runnerUrl: runner.url,
    appUrl,
    send: (events, key = "test") =>
      fetch(`${runner.url}/e/${key}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof events === "string" ? events : JSON.stringify(events),
      }),
    finished: (runId, timeoutMs) =>
      waitFor(async () => {
        const run = await getRun({ db, runId });
        return run && ["completed", "failed", "cancelled"].includes(run.status) ? run : null;
      }, timeoutMs),
    runsOf: (fnId) =>
      db.query<{ id: string; status: string }>(
        "SELECT id, status FROM inngest_runner_runs WHERE function_id = $1 ORDER BY created_at, id",
        [fnId],
      ),
    waitFor,
    stopRunner: (deadline) => runner.close(deadline),
    async close() {
      await runner.close();
      await new Promise<void>((r) => app.close(() => r()));
      app.closeAllConnections();
      await database.close();
    },
  };
}

/** Sends one event and returns the id of the single run of `fnId` it started. */
export async function trigger(h: Harness, fnId: string, event: { name: string; data?: unknown }): Promise<string> {
  const res = await h.send(event);
  if (res.status !== 200) throw new Error(`event rejected: ${res.status} ${await res.text()}`);
  const { ids } = (await res.json()) as { ids: string[] };
  const rows = await h.waitFor(() =>
    h.db
      .query<{ id: string }>("SELECT id FROM inngest_runner_runs WHERE function_id = $1 AND event_id = $2", [
        fnId,
        ids[0],
      ])
      .then((r) => (r.length ? r : null)),
  );
  return rows[0]!.id;
}
