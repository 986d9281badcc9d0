import { closeDatabase, getDatabase } from "@/db";
import { engineConfig } from "@/inngest/engine-config";
import { DEV_MODE_FIX, devModeHostProblem, reachableBeyondLoopback } from "@/inngest/loopback-guard";
import { env } from "@/lib/env";
import { seedAltTextDefault } from "@/lib/alt-text/settings";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { indexMissingAssets } from "@/lib/library/refresh";
import { processRegistry } from "@/lib/observability/metrics";
import { seedDemoUsers } from "@/lib/setup/demo-users";
import { onForegroundChange } from "./foreground";
import { reportEmbeddedRunner } from "./readiness";
import { runsFunctions } from "./role";
import { installShutdownHandlers, onShutdown } from "./shutdown";

const holder = globalThis as typeof globalThis & { __kilnBooted?: Promise<void> };

/** Start-up, once per process: open and migrate the database, seed, start the runner. */
export function boot(): Promise<void> {
  holder.__kilnBooted ??= bootOnce();
  return holder.__kilnBooted;
}

async function bootOnce(): Promise<void> {
  const e = env();
  const engine = engineConfig();
  // The Next.js server runs the pages: role `all` (everything, the embedded database's shape) or `web`.
  if (e.KILN_ROLE === "worker" || e.KILN_ROLE === "database") {
    console.error(
      `[kiln] refusing to start: KILN_ROLE=${e.KILN_ROLE} runs with \`tsx scripts/${e.KILN_ROLE}.ts\`, not in the Next.js server.`,
    );
    process.exit(1);
  }
  if (engine.mode === "dev") refuseUnsignedUnlessLoopback(e.KILN_HOST, e.PORT);
  // The process metrics (CPU, memory) count from here, not from the first scrape: prom-client's CPU
  // counters add what was spent since they were made.
  processRegistry();
  const database = await getDatabase();
  console.log(
    `[kiln] database ready (${database.kind}${database.remoteSocket ? `, served by the database process on ${database.remoteSocket}` : ""})`,
  );
  // Pages first across processes: the database process holds the workers' calls while pages are in flight.
  if (database.setForeground && e.KILN_PAGES_FIRST) {
    const tell = database.setForeground;
    onForegroundChange((busy) => void tell(busy).catch(() => undefined));
  }
  if (e.KILN_DEMO) {
    const seeded = await seedDemoUsers({ db: database.db });
    if (seeded.length) console.log(`[kiln] demo users seeded: ${seeded.join(", ")}`);
  }
  // The built-in simulator endpoint, one preset per tier and the seed templates (idempotent).
  await seedCatalog({
    db: database.db,
    simulatorUrl: e.KILN_SIMULATOR_PORT ? `http://127.0.0.1:${e.KILN_SIMULATOR_PORT}` : null,
  });
  // Alt text drafts work out of the box: A1111 interrogate against the simulator, until an admin chooses.
  if (await seedAltTextDefault({ db: database.db }))
    console.log("[kiln] alt text: drafting with the simulator's interrogate");
  // The library's read model for assets made before it existed (or missed): in the background, in
  // batches, so a large installation starts serving at once; an anti-join on primary keys when none are missing.
  void indexMissingAssets(database.db)
    .then((n) => n && console.log(`[kiln] library: indexed ${n} assets`))
    .catch((error: unknown) => console.error("[kiln] library: indexing missing assets failed", error));
  let closeRunner: ((deadline: number) => Promise<void>) | null = null;
  if (engine.embeddedRunner && runsFunctions(e.KILN_ROLE)) {
    const runner = await (await import("./start-runner")).startKilnRunner(database);
    reportEmbeddedRunner(() => runner.role());
    closeRunner = (deadline) => runner.close(deadline);
    console.log(
      `[kiln] embedded Inngest runner on ${runner.url} (${runner.role()}${engine.signingKey ? ", signed" : ", unsigned"})`,
    );
  }
  await backfillUploads(database.db);
  installGracefulShutdown(closeRunner);
}

/**
 * SIGTERM: readiness turns 503 at once; the runner (role `all`) stops scheduling and lets the steps
 * in flight finish; then the engine threads and the database close. Next.js's own handler exits as
 * soon as its server closes, so `npm start` sets NEXT_MANUAL_SIG_HANDLE and this one runs instead.
 */
function installGracefulShutdown(closeRunner: ((deadline: number) => Promise<void>) | null): void {
  if (!env().NEXT_MANUAL_SIG_HANDLE) return;
  if (closeRunner) onShutdown("embedded runner", "drain", closeRunner);
  // Pages in flight are short: a moment for them (and for a load balancer to see the 503) before closing.
  onShutdown(
    "page requests",
    "drain",
    (deadline) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(1_000, deadline - Date.now())))),
  );
  onShutdown("engine threads", "close", async () => (await import("./close-engines")).closeEngines());
  onShutdown("database", "close", closeDatabase);
  installShutdownHandlers(env().KILN_SHUTDOWN_GRACE_MS);
}

/**
 * Uploads made before uploads became assets (issue 15) get their asset now, idempotently; their
 * check runs (and any an earlier start could not send) go to the engine. A failure is logged, not
 * fatal: the next start tries again.
 */
async function backfillUploads(db: Awaited<ReturnType<typeof getDatabase>>["db"]): Promise<void> {
  try {
    const [{ backfillUploadAssets }, { sendCheckRuns }] = await Promise.all([
      import("@/lib/assets/create-from-upload"),
      import("@/inngest/send"),
    ]);
    const { created, pendingCheckRuns } = await backfillUploadAssets(db);
    if (created) console.log(`[kiln] ${created} upload(s) became assets`);
    if (pendingCheckRuns.length) await sendCheckRuns(pendingCheckRuns);
  } catch (error) {
    console.error(
      `[kiln] upload backfill did not finish; it runs again at the next start: ${(error as Error).message}`,
    );
  }
}

/**
 * INNGEST_DEV turns off signature checks on /api/inngest, so the app must not be reachable from
 * other machines: refuse to run unless KILN_HOST is a loopback host, then verify the real bind.
 */
function refuseUnsignedUnlessLoopback(host: string | undefined, port: number): void {
  const problem = devModeHostProblem(host);
  if (problem) {
    console.error(`[kiln] refusing to start: ${problem}`);
    process.exit(1);
  }
  // The server is listening by the time instrumentation runs; check what it really answers on.
  setTimeout(() => {
    void reachableBeyondLoopback(port).then((address) => {
      if (!address) return;
      console.error(
        `[kiln] refusing to run: the app answers on ${address}:${port}, not only on loopback. ${DEV_MODE_FIX}`,
      );
      process.exit(1);
    });
  }, 1_000).unref();
}
