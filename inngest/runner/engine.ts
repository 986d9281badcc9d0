import type { Registry } from "./registry";
import type { CallTargets } from "./targets";
import type { Backoff, Logger, RunnerDb } from "./types";

/** What every part of a running runner shares. */
export type Engine = {
  db: RunnerDb;
  registry: Registry;
  logger: Logger;
  backoff: Backoff;
  signingKey?: string;
  /** Worker serve URLs to spread calls over; undefined: each function's synced URL. */
  targets?: CallTargets;
  /** Ask the scheduler to look for due work now. Call it after commit: a tick cannot see uncommitted jobs on Postgres. */
  wake(): void;
  /** Ask the event processor to match pending events against waits and cancellations. */
  wakeEvents(): void;
};

/** Runners started in this process, so admin calls (cancel, replay) can nudge them. */
export const liveEngines = new Set<Engine>();

export const TERMINAL = ["completed", "failed", "cancelled"];

export function toError(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: "Error", message: typeof err === "string" ? err : (JSON.stringify(err) ?? String(err)) };
}
