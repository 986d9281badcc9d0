/**
 * The real generation pipeline in one process, for the resilience test and its crash child (and
 * other tests; bench/pipeline runs the product's own processes instead): the app's own functions served by the real SDK `serve()` over HTTP, the embedded
 * runner driving them, a database, and the GPU simulator at the other end of the A1111 adapter.
 *
 * The functions read their configuration (provider concurrency, throttle, runner URL) from
 * lib/env when their modules load, so callers set process.env first; this module imports the
 * Inngest client and functions lazily, after that.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { useDatabaseForTests, type Database, type Db } from "@/db";
import { auditEvents, batches, costLedger, generations, providers, templates, type Batch } from "@/db/schema";
import { startRunner, type Backoff } from "@/inngest/runner";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { startBatch } from "@/lib/generation/batch-actions";
import { queueBatch } from "@/lib/generation/queue-batch";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** A free loopback port (the runner's must be known before the Inngest client module loads). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export type RunningPipeline = {
  appUrl: string;
  runnerUrl: string;
  /** Hands a queued batch to the engine, as the Jobs page's server action does. */
  start(ctx: ReturnType<typeof ctxFor>, batchId: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * Serves `functions` from inngest/functions with inngest/node's serve() on 127.0.0.1 (appPort, or
 * any free port) and starts the runner on KILN_RUNNER_PORT, the port the app's client sends to.
 */
export async function startPipeline(opts: {
  database: Database;
  runnerPort: number;
  appPort?: number;
  backoff?: Backoff;
  maxInFlight?: number;
  logger?: typeof silentLogger | Console;
  /**
   * Serve the automated checks too (kiln/check.requested), which make a new generation's renditions
   * first. Off by default: the resilience test measures generation against the GPU endpoint, not
   * the CPU work behind it.
   */
  withChecks?: boolean;
  /** Sees every call the runner makes to the app, with how long the app took to answer. */
  onCall?: (ms: number) => void;
}): Promise<RunningPipeline> {
  useDatabaseForTests(opts.database);
  const [{ serve }, { inngest }, { engineConfig }, { functions: all }, { generationSender }] = await Promise.all([
    import("inngest/node"),
    import("@/inngest/client"),
    import("@/inngest/engine-config"),
    import("@/inngest/functions"),
    import("@/inngest/send"),
  ]);
  const functions = opts.withChecks ? all : all.filter((f) => f.id() !== "checks-check-asset");
  const handler = serve({ client: inngest, functions }) as http.RequestListener;
  const onCall = opts.onCall;
  const app = http.createServer(
    onCall
      ? (req, res) => {
          const t = performance.now();
          res.once("finish", () => onCall(performance.now() - t));
          return handler(req, res);
        }
      : handler,
  );
  // Generate steps can outlast Node's default request timeout when the GPU endpoint is slow.
  app.requestTimeout = 0;
  await new Promise<void>((r) => app.listen(opts.appPort ?? 0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  const runner = await startRunner({
    db: { query: opts.database.query, transaction: opts.database.transaction },
    port: opts.runnerPort,
    appUrl,
    // The app's client verifies every call (decision 0009): sign with the key it holds.
    signingKey: engineConfig().signingKey,
    eventKey: engineConfig().eventKey,
    logger: opts.logger ?? silentLogger,
    backoff: opts.backoff ?? { baseMs: 50, maxMs: 400 },
    maxInFlight: opts.maxInFlight,
    syncIntervalMs: 60_000,
  });
  for (const until = Date.now() + 15_000; ;) {
    const health = (await (await fetch(`${runner.url}/health`)).json()) as { functions: number };
    if (health.functions >= functions.length) break;
    if (Date.now() > until) throw new Error("the runner did not sync the app's functions");
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    appUrl,
    runnerUrl: runner.url,
    async start(ctx, batchId) {
      const started = await startBatch({ ctx, input: { batchId }, send: generationSender, sendKey: "harness" });
      if (!started.started) throw new Error(started.message);
    },
    async close() {
      await runner.close();
      await new Promise<void>((r) => {
        app.close(() => r());
        app.closeAllConnections();
      });
    },
  };
}

/**
 * Seeds the catalog against the simulator (once per database), points the simulator provider's
 * timeout at `timeoutMs`, and queues `rows × variants` draft generations (512², one aspect ratio)
 * for a fresh designer. Returns the batch and the designer's ctx.
 */
export async function queueDraftBatch({
  db,
  simulatorUrl,
  rows,
  variantsPerRow,
  timeoutMs,
  concurrencyLimit,
  key,
}: {
  db: Db;
  simulatorUrl: string;
  rows: number;
  variantsPerRow: number;
  timeoutMs?: number;
  /** The simulator endpoint's own limit (providers.concurrency_limit); the seeded one if unset. */
  concurrencyLimit?: number;
  key: string;
}): Promise<{ batch: Batch; ctx: ReturnType<typeof ctxFor> }> {
  await seedCatalog({ db, simulatorUrl });
  if (timeoutMs) await db.update(providers).set({ timeoutMs }).where(eq(providers.slug, SIMULATOR_SLUG));
  if (concurrencyLimit) await db.update(providers).set({ concurrencyLimit }).where(eq(providers.slug, SIMULATOR_SLUG));
  const ctx = ctxFor(db, await createUserFactory(db, { role: "designer" }));
  const [product] = await db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const templateId = (product ?? (await db.select().from(templates))[0]!).id;
  const { version } = await getActiveTemplate(db, templateId);
  const values = initialValuesFor(version.definition);
  const draft = (await listActivePresets(db)).find((p) => p.preset.tier === "draft")!;
  const { batch } = await queueBatch({
    ctx,
    input: {
      templateId,
      presetId: draft.preset.id,
      variantsPerRow,
      aspectRatios: ["1:1"],
      rows: Array.from({ length: rows }, (_, i) => ({ line: i + 1, values })),
      idempotencyKey: key,
    },
  });
  return { batch, ctx };
}

/** Generations of a batch by status, the batch's status and the number of ledger rows. */
export async function batchProgress(db: Db, batchId: string) {
  const rows = await db
    .select({ status: generations.status, n: count() })
    .from(generations)
    .where(eq(generations.batchId, batchId))
    .groupBy(generations.status);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
  const [batch] = await db
    .select({ status: batches.status, total: batches.total })
    .from(batches)
    .where(eq(batches.id, batchId));
  const terminal = (byStatus.succeeded ?? 0) + (byStatus.dead_lettered ?? 0) + (byStatus.cancelled ?? 0);
  return { batchStatus: batch?.status ?? "missing", total: batch?.total ?? 0, terminal, byStatus };
}

/** Everything the resilience assertions look at, read once the batch has finished. */
export async function batchFacts(db: Db, batchId: string) {
  const gens = await db
    .select({
      id: generations.id,
      status: generations.status,
      errorCode: generations.errorCode,
      attempts: generations.attempts,
      blobKey: generations.blobKey,
    })
    .from(generations)
    .where(eq(generations.batchId, batchId));
  const ids = gens.map((g) => g.id);
  const ledger = ids.length
    ? await db
        .select({
          callKey: costLedger.callKey,
          generationId: costLedger.generationId,
          outcome: costLedger.outcome,
          errorKind: costLedger.errorKind,
          billable: costLedger.billable,
          micros: costLedger.micros,
        })
        .from(costLedger)
        .where(inArray(costLedger.generationId, ids))
    : [];
  const succeededAudits = await db
    .select({ subjectId: auditEvents.subjectId })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "generation.succeeded"), sql`${auditEvents.data}->>'batchId' = ${batchId}`));
  const [batch] = await db.select().from(batches).where(eq(batches.id, batchId));
  return { batch: batch!, gens, ledger, succeededAudits: succeededAudits.map((a) => a.subjectId) };
}

/** Polls `check` until it returns a truthy value. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
