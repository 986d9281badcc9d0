/**
 * Child process for runner-lock.test.ts: one app process as `npm start` runs it on PostgreSQL —
 * the real serve() route (signed) and the embedded runner behind the one-per-database lock.
 * Step bodies append `<name>:<step>:<event>` to a marker file so the parent can count executions.
 * argv: <databaseUrl> <markerFile> <name> <appPort> <runnerPort> [nolock]
 */
import { appendFileSync } from "node:fs";
import http from "node:http";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { openDatabase } from "@/db/client";
import { startEmbeddedRunner } from "./embedded-runner";
import { postgresSessionLock } from "./runner-lock";

const [url, markers, name, appPort, runnerPort, nolock] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string?,
];
const KEY = `signkey-test-${"5a".repeat(32)}`;
const mark = (m: string) => appendFileSync(markers, `${name}:${m}\n`);
const log = (...a: unknown[]) => process.stdout.write(`${a.map(String).join(" ")}\n`);
const logger = { info: log, warn: log, error: log, debug() {} };

const database = await openDatabase({ url });
const inngest = new Inngest({
  id: "lock",
  isDev: false,
  signingKey: KEY,
  eventKey: "evt",
  baseUrl: `http://127.0.0.1:${runnerPort}`,
  logger: { info() {}, warn() {}, error: log, debug() {} },
});
const fn = inngest.createFunction({ id: "work", triggers: [{ event: "t/work" }] }, async ({ event, step }) => {
  const id = (event.data as { n: number }).n;
  await step.run("one", async () => {
    mark(`one:${id}`);
    await new Promise((r) => setTimeout(r, 200));
  });
  await step.run("two", () => mark(`two:${id}`));
  return id;
});
const app = http.createServer(serve({ client: inngest, functions: [fn] }) as http.RequestListener);
await new Promise<void>((r) => app.listen(Number(appPort), "127.0.0.1", r));
const runner = await startEmbeddedRunner({
  db: { query: database.query, transaction: database.transaction },
  lock: nolock ? null : postgresSessionLock(url),
  port: Number(runnerPort),
  appUrl: `http://127.0.0.1:${appPort}/api/inngest`,
  signingKey: KEY,
  eventKey: "evt",
  backoff: { baseMs: 50, maxMs: 400 },
  logger,
  retryMs: 250,
  heartbeatMs: 250,
});
log(`ready ${runner.role()}`);
setInterval(() => log(`role ${runner.role()}`), 250).unref();

process.on("SIGTERM", async () => {
  await runner.close();
  app.close();
  app.closeAllConnections();
  await database.close();
  process.exit(0);
});
