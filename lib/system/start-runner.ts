import type { Database } from "@/db";
import { engineConfig, runnerAppUrl, runnerCallTargets } from "@/inngest/engine-config";
import type { EmbeddedRunner } from "@/inngest/embedded-runner";
import { env } from "@/lib/env";
import { functionCallsInFlight } from "@/lib/generation/calls-in-flight";
import { storeWithPages } from "./foreground";

/**
 * Starts the embedded runner for this process (role `all` or `worker`), calling this process's serve
 * route, or every worker's when KILN_WORKER_URLS lists several. One runner per database: PostgreSQL
 * and the embedded database's host (a worker on PGlite) need the lock; the one process that opens
 * PGlite itself (role `all`) holds it by construction. Imported lazily by its callers, so an
 * installation on Inngest Cloud never loads the runner at all.
 */
export async function startKilnRunner(database: Database): Promise<EmbeddedRunner> {
  const e = env();
  const engine = engineConfig();
  const [{ startEmbeddedRunner }, { postgresSessionLock, embeddedHostLock }] = await Promise.all([
    import("@/inngest/embedded-runner"),
    import("@/inngest/runner-lock"),
  ]);
  return startEmbeddedRunner({
    db: { query: database.query, transaction: database.transaction },
    lock: e.DATABASE_URL
      ? postgresSessionLock(e.DATABASE_URL)
      : database.remoteSocket
        ? embeddedHostLock(database.remoteSocket)
        : null,
    port: e.KILN_RUNNER_PORT,
    appUrl: runnerAppUrl(),
    callTargets: runnerCallTargets(),
    signingKey: engine.signingKey,
    eventKey: engine.mode === "signed" ? engine.eventKey : e.INNGEST_EVENT_KEY,
    // An endpoint's generate calls plus room for the light and CPU-bound functions (calls-in-flight.ts).
    maxInFlight: functionCallsInFlight(),
    // A page that sends an event waits for it to be stored: on the embedded database that write goes
    // with the pages rather than waiting for them (and so for itself). Background sends still wait.
    eventIntake: storeWithPages,
  });
}
