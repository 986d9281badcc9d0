/**
 * The process roles (docs/decisions/0024-web-and-worker-processes.md). `all` is one process doing
 * everything. `web` and `worker` split the same code: on PostgreSQL any number of each; on the
 * embedded PGlite, whose data folder opens in one process, a `database` process owns it and serves it
 * to the web and worker processes on this machine (docs/decisions/0027-embedded-database-host.md).
 */
export type ProcessRole = "all" | "web" | "worker" | "database";

/** Does this process run the background functions (and so the embedded runner, when it is the engine)? */
export function runsFunctions(role: ProcessRole): boolean {
  return role === "all" || role === "worker";
}
