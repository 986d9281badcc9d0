/**
 * Graceful shutdown, one per process (web, worker or both in one). On SIGTERM or SIGINT the process
 * first stops taking new work (readiness answers 503, the runner schedules nothing new, a worker's
 * server refuses new calls), then waits for in-flight background steps up to KILN_SHUTDOWN_GRACE_MS,
 * and only then closes the engine threads and the database. A second signal stops at once.
 *
 * Next.js installs its own SIGTERM handler that exits right after closing its server; `npm start`
 * sets NEXT_MANUAL_SIG_HANDLE so this one runs instead (scripts/processes.ts).
 */
export type ShutdownPhase = "drain" | "close";
type Hook = { name: string; phase: ShutdownPhase; run: (deadline: number) => Promise<void> };

const holder = globalThis as typeof globalThis & {
  __kilnShutdown?: { hooks: Hook[]; draining: boolean; installed: boolean; running: Promise<void> | null };
};
function state() {
  holder.__kilnShutdown ??= { hooks: [], draining: false, installed: false, running: null };
  return holder.__kilnShutdown;
}

/**
 * Registers work for shutdown. `drain` hooks run first, together (stop taking work, wait for what is
 * in flight until the deadline); `close` hooks run after every drain hook has finished, together.
 */
export function onShutdown(name: string, phase: ShutdownPhase, run: (deadline: number) => Promise<void>): void {
  state().hooks.push({ name, phase, run });
}

/** True from the first signal on: readiness reports 503 so load balancers stop sending requests. */
export function isDraining(): boolean {
  return state().draining;
}

export type ShutdownLog = { info(msg: string): void; error(msg: string): void };

/** Runs every hook once (drain, then close); later calls wait for the first. */
export function shutdown(graceMs: number, log: ShutdownLog = console): Promise<void> {
  const s = state();
  s.running ??= (async () => {
    s.draining = true;
    const deadline = Date.now() + graceMs;
    const started = Date.now();
    const runPhase = async (phase: ShutdownPhase) => {
      await Promise.all(
        s.hooks
          .filter((h) => h.phase === phase)
          .map(async (h) => {
            try {
              await h.run(deadline);
            } catch (error) {
              log.error(`[kiln] shutdown: ${h.name} failed: ${(error as Error).message}`);
            }
          }),
      );
    };
    await runPhase("drain");
    await runPhase("close");
    log.info(`[kiln] stopped cleanly in ${Date.now() - started} ms`);
  })();
  return s.running;
}

/** Installs the signal handlers once: the first signal drains and exits 0; another one, two seconds on, exits at once. */
export function installShutdownHandlers(graceMs: number, log: ShutdownLog = console): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt) {
      // Ctrl-C reaches both `npm start` and its children, which forwards SIGTERM: one request, twice.
      if (Date.now() - firstAt < 2_000) return;
      log.error(`[kiln] ${signal} again: stopping without waiting`);
      process.exit(1);
    }
    firstAt = Date.now();
    log.info(`[kiln] ${signal}: finishing in-flight work (up to ${Math.round(graceMs / 1000)} s), then stopping`);
    void shutdown(graceMs, log).finally(() => process.exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** Waits until `idle()` is true or the deadline passes; true when it became idle. */
export async function waitUntil(idle: () => boolean, deadline: number, pollMs = 100): Promise<boolean> {
  while (!idle()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return true;
}
