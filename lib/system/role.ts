/**
 * The three process roles (docs/decisions/0024-web-and-worker-processes.md). `all` is one process
 * doing everything: the only shape the embedded PGlite allows, since its data folder opens in one
 * process. `web` and `worker` split the same code on PostgreSQL.
 */
export type ProcessRole = "all" | "web" | "worker";

export function roleProblem(role: ProcessRole, databaseKind: "pglite" | "postgres"): string | null {
  if (role === "all" || databaseKind === "postgres") return null;
  return (
    `KILN_ROLE=${role} needs PostgreSQL (DATABASE_URL): the embedded database opens in one process only, ` +
    "so with it Kiln runs as one process (KILN_ROLE=all, what `npm start` does without DATABASE_URL)."
  );
}

/** Does this process run the background functions (and so the embedded runner, when it is the engine)? */
export function runsFunctions(role: ProcessRole): boolean {
  return role !== "web";
}
