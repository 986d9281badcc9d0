import { createWriteStream } from "node:fs";
import path from "node:path";
import { closeDatabase, getDatabase } from "@/db";
import { serveEmbeddedDatabase } from "@/db/remote/host";
import { embeddedDatabaseSocket } from "@/db/remote/socket-path";
import { env } from "@/lib/env";
import { installShutdownHandlers, onShutdown } from "./shutdown";

/** The database process outlives the others' grace period by this much, so their last writes land. */
const CLOSE_AFTER_OTHERS_MS = 3_000;

/**
 * The database process (KILN_ROLE=database, scripts/database.ts): on the embedded PGlite, whose data
 * folder opens in one process only, it opens and migrates the database and serves it to the web and
 * worker processes of this machine over a Unix socket (docs/decisions/0027-embedded-database-host.md).
 * It runs nothing else, so the WebAssembly database has a process (and a core) of its own: pages
 * render in the web process while it answers queries, and the workers' calls wait for the pages'.
 */
export async function startDatabaseProcess(): Promise<void> {
  const e = env();
  if (e.DATABASE_URL)
    throw new Error(
      "KILN_ROLE=database serves the embedded PGlite; with DATABASE_URL set, PostgreSQL is the database and this process is not needed.",
    );
  const database = await getDatabase();
  if (!database.embedded) throw new Error("The database process opened no embedded database.");
  const traceFile = e.KILN_DB_TRACE ? createWriteStream(e.KILN_DB_TRACE, { flags: "a" }) : undefined;
  const host = await serveEmbeddedDatabase(database.embedded, embeddedDatabaseSocket(path.join(e.dataDir, "pglite")), {
    trace: traceFile && ((entry) => traceFile.write(`${JSON.stringify({ at: Date.now(), ...entry })}\n`)),
  });
  console.log(`[kiln] database: embedded PGlite served on ${host.socketPath}`);

  // The web and worker processes finish their work and let go of the database; it closes after them.
  onShutdown("database connections", "drain", async (deadline) => {
    if (!(await host.drain(deadline)))
      console.error(`[kiln] database: ${host.connections()} process(es) still connected at the deadline`);
  });
  onShutdown("database", "close", async () => {
    await host.close();
    await closeDatabase();
    traceFile?.end();
  });
  installShutdownHandlers(e.KILN_SHUTDOWN_GRACE_MS + CLOSE_AFTER_OTHERS_MS);
}
