import { startRunner, type Backoff, type Logger, type RunnerDb, type RunnerOptions } from "./runner";
import type { SessionLock } from "./runner-lock";

export const STANDBY_MESSAGE =
  "[kiln] another process already runs the embedded Inngest runner for this database (its lock is held). " +
  "This process serves the app without it: its events are stored for that runner, and it takes the runner over if that process stops. " +
  "The embedded runner is for one machine; to run several app processes, use Inngest instead: " +
  "a self-hosted `inngest start` or Inngest Cloud (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY, INNGEST_BASE_URL), or INNGEST_DEV for `npx inngest-cli dev`.";

export type EmbeddedRunner = { url: string; role(): "running" | "standby"; close(deadline?: number): Promise<void> };

/**
 * Starts the embedded runner, one per database: with a lock (PostgreSQL), the process that holds
 * it runs the runner; any other keeps only the runner's event API (so its events are stored, not
 * lost) and tries the lock every `retryMs` to take over. The holder checks every `heartbeatMs`
 * that it still holds the lock and stops scheduling when it does not. Without a lock (PGlite:
 * one process by construction) the runner simply runs.
 */
export async function startEmbeddedRunner(opts: {
  db: RunnerDb;
  lock: SessionLock | null;
  port: number;
  appUrl: string;
  callTargets?: string[];
  signingKey?: string;
  eventKey?: string;
  maxInFlight?: number;
  backoff?: Backoff;
  logger?: Logger;
  retryMs?: number;
  heartbeatMs?: number;
  eventIntake?: RunnerOptions["eventIntake"];
}): Promise<EmbeddedRunner> {
  const logger = opts.logger ?? console;
  const { lock } = opts;
  const retryMs = opts.retryMs ?? 5_000;
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const runner = await startRunner({
    db: opts.db,
    port: opts.port,
    appUrl: opts.appUrl,
    callTargets: opts.callTargets,
    signingKey: opts.signingKey,
    eventKey: opts.eventKey,
    maxInFlight: opts.maxInFlight,
    eventIntake: opts.eventIntake,
    backoff: opts.backoff,
    logger,
    standby: lock !== null,
    eventPollMs: lock ? 500 : undefined,
  });
  if (!lock) return { url: runner.url, role: () => "running", close: (deadline) => runner.close(deadline) };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let othersHeld = false;
  let lastError = "";
  const step = async (): Promise<void> => {
    if (!runner.active) {
      let got = false;
      try {
        got = await lock.tryAcquire();
        lastError = "";
      } catch (err) {
        const message = (err as Error).message;
        if (message !== lastError)
          logger.error(`[kiln] could not reach the database for the embedded runner's lock: ${message}; retrying`);
        lastError = message;
      }
      if (stopped) return;
      if (got) {
        // A holder that lost its connection notices within a heartbeat: let it stop first.
        if (othersHeld) await new Promise((r) => setTimeout(r, heartbeatMs * 2));
        if (stopped) return;
        await runner.activate();
        logger.info(
          othersHeld
            ? "[kiln] the process that ran the embedded Inngest runner stopped; this process runs it now"
            : "[kiln] this process runs the embedded Inngest runner for this database",
        );
      } else if (!othersHeld && !lastError) {
        othersHeld = true;
        logger.warn(STANDBY_MESSAGE);
      }
    } else if (!(await lock.stillHeld())) {
      logger.error(
        "[kiln] lost the embedded Inngest runner's database lock (connection lost?); stopping the runner until it is held again",
      );
      othersHeld = true;
      await runner.deactivate();
    }
  };
  const loop = async () => {
    try {
      await step();
    } catch (err) {
      logger.error("[kiln] embedded runner supervision failed", err);
    }
    if (!stopped) timer = setTimeout(() => void loop(), runner.active ? heartbeatMs : retryMs);
  };
  await loop();
  return {
    url: runner.url,
    role: () => (runner.active ? "running" : "standby"),
    async close(deadline?: number) {
      stopped = true;
      clearTimeout(timer);
      await runner.close(deadline);
      await lock.close();
    },
  };
}
