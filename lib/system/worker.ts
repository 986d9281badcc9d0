import { niceHelperThreads } from "./helper-threads-nice";
import { closeDatabase, getDatabase } from "@/db";
import { engineConfig, runnerCallTargets } from "@/inngest/engine-config";
import { isLoopbackHost } from "@/inngest/loopback-guard";
import { env, usePlainProcessEnv } from "@/lib/env";
import { functionCallsInFlight } from "@/lib/generation/calls-in-flight";
import { closeEngines } from "./close-engines";
import { installShutdownHandlers, onShutdown } from "./shutdown";

/**
 * A worker process (KILN_ROLE=worker, scripts/worker.ts): serves the Inngest functions on
 * KILN_WORKER_PORT with the SDK's Node handler and, when the embedded runner is the engine, runs it
 * (one per database: the PostgreSQL lock decides which worker; the others stand by). Pages and the
 * API run in web processes (docs/decisions/0024-web-and-worker-processes.md).
 */
export async function startWorker(): Promise<void> {
  usePlainProcessEnv(); // the SDK copies the environment ~50 times per image (lib/env.ts)
  const e = env();
  const engine = engineConfig();
  if (engine.mode === "dev" && !isLoopbackHost(e.KILN_WORKER_HOST)) {
    throw new Error(
      `INNGEST_DEV does not sign calls, so a worker must bind to loopback; KILN_WORKER_HOST is ${e.KILN_WORKER_HOST}.`,
    );
  }
  if (e.KILN_WORKER_NICE_SCOPE === "threads") niceHelperThreads(e.KILN_WORKER_NICE);
  const database = await getDatabase();
  console.log(`[kiln] worker: database ready (${database.kind})`);

  const { startFunctionServer } = await import("@/inngest/serve-node");
  const concurrency = e.KILN_WORKER_CONCURRENCY ?? functionCallsInFlight();
  const functionServer = await startFunctionServer({
    host: e.KILN_WORKER_HOST,
    port: e.KILN_WORKER_PORT,
    signingKey: engine.mode === "signed" ? engine.signingKey : undefined,
    concurrency,
    log: { error: (msg, err) => console.error(msg, err) },
  });
  console.log(`[kiln] worker: functions served on ${functionServer.url} (up to ${concurrency} calls at once)`);

  let runner: { url: string; close(deadline?: number): Promise<void>; role(): string } | null = null;
  if (engine.embeddedRunner) {
    const targets = runnerCallTargets();
    runner = await (await import("./start-runner")).startKilnRunner(database);
    console.log(
      `[kiln] worker: embedded Inngest runner on ${runner.url} (${runner.role()})${targets ? `, calling ${targets.join(", ")}` : ""}`,
    );
  }

  // Stop taking work, let what is in flight finish, then close the engines and the database.
  if (runner) onShutdown("embedded runner", "drain", (deadline) => runner.close(deadline));
  onShutdown("function server", "drain", async (deadline) => {
    const idle = await functionServer.drain(deadline);
    if (!idle)
      console.error(
        `[kiln] worker: ${functionServer.inFlight()} call(s) still running at the deadline; the engine runs their steps again`,
      );
    await functionServer.close();
  });
  onShutdown("engine threads", "close", closeEngines);
  onShutdown("database", "close", closeDatabase);
  installShutdownHandlers(e.KILN_SHUTDOWN_GRACE_MS);
}
