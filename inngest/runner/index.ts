import { AsyncResource } from "node:async_hooks";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { liveEngines, type Engine } from "./engine";
import { processPendingEvents } from "./events";
import { migrate } from "./migrations";
import { Registry } from "./registry";
import { callTargets } from "./targets";
import { Scheduler } from "./scheduler";
import { createServer } from "./server";
import { keepSynced } from "./sync";
import type { Backoff, Logger, RunnerDb } from "./types";

export { cancelRun, getRun, listRuns, replayRun } from "./admin";
export type { RunDetail, RunSummary, StepSummary } from "./admin";
export type { Backoff, Logger, Query, RunnerDb } from "./types";

export type RunnerOptions = {
  db: RunnerDb;
  host?: string;
  port: number;
  appUrl: string;
  signingKey?: string;
  eventKey?: string;
  logger?: Logger;
  /** Retry delays: base·2^attempt (+ up to 25% jitter), capped at max. Default 1 s .. 5 min. */
  backoff?: Backoff;
  /** Calls to the app in flight at once, across all runs. Default 16. */
  maxInFlight?: number;
  /** How often to re-sync the app once synced. Default 30 s. */
  syncIntervalMs?: number;
  /** How long one call to the app may take. Default 15 min. */
  callTimeoutMs?: number;
  /** Serve URLs of several worker processes to spread calls over (the app is synced from `appUrl`). */
  callTargets?: string[];
  /**
   * Let the SDK run a run's steps one after another in one call, reporting them to the checkpoint
   * route (checkpoint.ts), instead of one call per step. Default true.
   */
  checkpointing?: boolean;
  /**
   * Wraps the database work of storing the events sent to the event API (POST /e/:key), given the
   * request's headers. Its sender waits for the answer; Kiln stores a page's events ahead of
   * background work on the embedded database (lib/system/start-runner.ts). Default: run as is.
   */
  eventIntake?: <T>(store: () => Promise<T>, headers: IncomingHttpHeaders) => Promise<T>;
};

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Is this a loopback host? The runner has no authentication of its own, so it never listens elsewhere. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export type RunnerHandle = {
  url: string;
  /** True while this runner schedules work (false in standby). */
  readonly active: boolean;
  /** Leaves standby: loads the functions, syncs the app, runs due work and pending events. */
  activate(): Promise<void>;
  /**
   * Back to standby: stops scheduling; calls in flight may finish until `deadline` (graceful shutdown),
   * else they are abandoned at once, as in a crash. The event API stays up.
   */
  deactivate(deadline?: number): Promise<void>;
  close(deadline?: number): Promise<void>;
};

/**
 * Starts the embedded Inngest runner in this process: migrates its tables, listens on loopback,
 * syncs the app (retrying until it answers) and resumes every unfinished run from the database.
 *
 * With `standby` it only listens: its event API stores events (untriggered) for the runner that
 * holds the database, which picks them up when it polls (`eventPollMs`), until `activate()`.
 */
export async function startRunner(
  options: RunnerOptions & { standby?: boolean; eventPollMs?: number },
): Promise<RunnerHandle> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host)) throw new Error(`The embedded Inngest runner only binds to loopback; refusing host "${host}"`);
  const appUrl = new URL(options.appUrl).href;
  const logger = options.logger ?? console;
  await migrate(options.db);
  const registry = new Registry(logger);

  let active = false;
  let scheduler: Scheduler | undefined;
  let sync: ReturnType<typeof keepSynced> | undefined;
  let eventPoll: NodeJS.Timeout | undefined;
  let processing: Promise<void> | null = null;
  let pendingEvents = false;
  const engine: Engine = {
    db: options.db,
    registry,
    logger,
    backoff: options.backoff ?? { baseMs: 1_000, maxMs: 300_000 },
    signingKey: options.signingKey,
    targets: callTargets(options.callTargets ?? []),
    // Both wakes are bound to the runner's own async context: the loops they start (a scheduler tick
    // that schedules the next, the event matching) must not carry the context of the request that
    // woke them (an event sent by a person's request would otherwise make every later tick "foreground").
    wake: AsyncResource.bind(() => scheduler?.wake()),
    // Serial on purpose: events are matched in arrival order, one batch at a time.
    wakeEvents: AsyncResource.bind(() => {
      if (!active) return;
      pendingEvents = true;
      processing ??= (async () => {
        while (pendingEvents) {
          pendingEvents = false;
          try {
            while ((await processPendingEvents(engine)) > 0);
          } catch (err) {
            logger.error("[inngest-runner] event processing failed", err);
          }
        }
      })().finally(() => (processing = null));
    }),
  };
  const server = createServer(engine, {
    eventKey: options.eventKey,
    onFirstEvent: async () => sync?.now(),
    eventIntake: options.eventIntake,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const activate = async () => {
    if (active) return;
    await registry.load(options.db.query);
    active = true;
    scheduler = new Scheduler(engine, {
      maxInFlight: options.maxInFlight ?? 16,
      pollMs: 1_000,
      callTimeoutMs: options.callTimeoutMs ?? 15 * 60_000,
      checkpointing: options.checkpointing ?? true,
    });
    sync = keepSynced(engine, appUrl, { intervalMs: options.syncIntervalMs ?? 30_000, retryMs: 250 });
    // Other processes' event APIs store events in the shared database: look for them now and then.
    if (options.eventPollMs) eventPoll = setInterval(() => engine.wakeEvents(), options.eventPollMs).unref();
    liveEngines.add(engine);
    engine.wake();
    engine.wakeEvents();
  };
  const deactivate = async (deadline?: number) => {
    if (!active) return;
    active = false;
    liveEngines.delete(engine);
    clearInterval(eventPoll);
    sync?.stop();
    const stopping = scheduler?.stop(deadline);
    scheduler = undefined;
    sync = undefined;
    await stopping;
    await processing;
    // In standby the event API must not trigger runs from a registry it no longer keeps current.
    registry.clear();
  };

  if (!options.standby) await activate();
  logger.info(`[inngest-runner] listening on ${url}, serving ${appUrl}${options.standby ? " (standby)" : ""}`);
  return {
    url,
    get active() {
      return active;
    },
    activate,
    deactivate,
    async close(deadline?: number) {
      await deactivate(deadline);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
