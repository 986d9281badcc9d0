/**
 * Child process for resilience.test.ts's crash case: the app's functions (real serve()) and the
 * embedded runner in one process on one database, as `npm start` runs them — the process the
 * parent kills with SIGKILL mid-batch and starts again. The database is the process-wide one
 * (PGlite under KILN_DATA_DIR, or DATABASE_URL); the env the functions read comes from the parent.
 *
 * argv: <queue|resume> <simulatorUrl> <appPort> <runnerPort> <rows> <variantsPerRow> <timeoutMs> <concurrencyLimit>
 * stdout: "ready", "batch <id>", then "progress <terminal> <total> <batchStatus> <openRuns>" every 100 ms.
 */
import { getDatabase } from "@/db";
import { batchProgress, queueDraftBatch, startPipeline } from "./testing/pipeline-harness";

const [mode, simulatorUrl, appPort, runnerPort, rows, variants, timeoutMs, concurrencyLimit] = process.argv.slice(
  2,
) as [string, string, string, string, string, string, string, string];
const logger = { info() {}, warn() {}, debug() {}, error: (...a: unknown[]) => console.error(...a) };
const say = (line: string) => process.stdout.write(`${line}\n`);

const database = await getDatabase();
const pipeline = await startPipeline({ database, runnerPort: Number(runnerPort), appPort: Number(appPort), logger });
say("ready");

let batchId: string;
if (mode === "queue") {
  const { batch, ctx } = await queueDraftBatch({
    db: database.db,
    simulatorUrl,
    rows: Number(rows),
    variantsPerRow: Number(variants),
    timeoutMs: Number(timeoutMs),
    concurrencyLimit: Number(concurrencyLimit),
    key: "resilience-crash",
  });
  batchId = batch.id;
  await pipeline.start(ctx, batchId);
} else {
  // After a restart nothing is re-sent: the runner resumes what its tables hold.
  const [row] = await database.query<{ id: string }>(
    "SELECT id FROM batches WHERE idempotency_key = 'resilience-crash'",
  );
  batchId = row!.id;
}
say(`batch ${batchId}`);

const openRuns = async () =>
  (
    await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status IN ('queued', 'running')",
    )
  )[0]!.n;
const poll = setInterval(() => {
  Promise.all([batchProgress(database.db, batchId), openRuns()])
    .then(([p, open]) => say(`progress ${p.terminal} ${p.total} ${p.batchStatus} ${open}`))
    .catch((e: unknown) => console.error(e));
}, 100);

process.on("SIGTERM", () => {
  clearInterval(poll);
  void (async () => {
    await pipeline.close();
    await database.close();
    process.exit(0);
  })();
});
