/**
 * Child process for restart.test.ts: the app (real serve()) and the runner in one process on one
 * PGlite data directory, as `npm start` runs them. Step bodies append to a marker file so the
 * parent can count executions across a SIGKILL.
 * argv: <dataDir> <markerFile> <appPort> <runnerPort>
 */
import { appendFileSync } from "node:fs";
import http from "node:http";
import { PGlite } from "@electric-sql/pglite";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { startRunner } from "./index";
import type { Query } from "./types";

const [dataDir, markers, appPort, runnerPort] = process.argv.slice(2) as [string, string, string, string];
const mark = (m: string) => appendFileSync(markers, `${m}\n`);
const silent = { info() {}, warn() {}, error: (...a: unknown[]) => console.error(...a), debug() {} };

const pg = await PGlite.create(dataDir);
const wrap = (run: (t: string, p?: unknown[]) => Promise<{ rows: unknown[] }>): Query =>
  (async (t: string, p?: unknown[]) => (await run(t, p)).rows) as Query;
const db = {
  query: wrap((t, p) => pg.query(t, p)),
  transaction: <T>(fn: (q: Query) => Promise<T>) => pg.transaction((tx) => fn(wrap((t, p) => tx.query(t, p)))),
};

const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
const inngest = new Inngest({ id: "restart", isDev: true, baseUrl: `http://127.0.0.1:${runnerPort}`, logger: silent });
const fn = inngest.createFunction({ id: "durable", triggers: [{ event: "t/durable" }] }, async ({ step }) => {
  const one = await step.run("one", () => (mark("one"), 1));
  await step.sleep("pause", "1s");
  const two = await step.run("two", async () => {
    mark("two-start");
    await new Promise((r) => setTimeout(r, 1500)); // the parent kills us in here the first time
    mark("two-end");
    return 2;
  });
  const three = await step.run("three", () => (mark("three"), 3));
  return one + two + three;
});
const app = http.createServer(serve({ client: inngest, functions: [fn] }) as http.RequestListener);
await new Promise<void>((r) => app.listen(Number(appPort), "127.0.0.1", r));
const runner = await startRunner({
  db,
  port: Number(runnerPort),
  appUrl,
  logger: silent,
  backoff: { baseMs: 20, maxMs: 200 },
});
process.stdout.write("ready\n");
// Report completion to the parent (it cannot open the data directory while we hold it).
const poll = setInterval(async () => {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status = 'completed'",
  );
  if ((rows[0]?.n ?? 0) > 0) {
    clearInterval(poll);
    mark("run-completed");
  }
}, 50);

process.on("SIGTERM", async () => {
  clearInterval(poll);
  await runner.close();
  app.close();
  app.closeAllConnections();
  await pg.close();
  process.exit(0);
});
