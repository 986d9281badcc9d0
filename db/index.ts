import path from "node:path";
import postgres from "postgres";
import { env, isBuildPhase } from "@/lib/env";
import { openDatabase, type Database } from "./client";
import { openEmbeddedDatabase } from "./embedded";
import { embeddedDatabaseSocket } from "./remote/socket-path";

export type { Db, DbExecutor, Tx, Database, SqlQuery } from "./client";

/**
 * The process-wide database, opened and migrated once. It lives on globalThis because Next.js
 * loads instrumentation and route bundles as separate module instances, and PGlite's data folder
 * may be opened by one instance only.
 */
const holder = globalThis as typeof globalThis & { __kilnDatabase?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  if (isBuildPhase()) throw new Error("The database is not available during `next build`.");
  holder.__kilnDatabase ??= openAndMigrate().catch((error: unknown) => {
    holder.__kilnDatabase = undefined;
    throw error;
  });
  return holder.__kilnDatabase;
}

async function openAndMigrate(): Promise<Database> {
  const e = env();
  if (!e.DATABASE_URL) {
    const pgliteDir = path.join(e.dataDir, "pglite");
    // The web and worker processes reach the embedded database through the database process that
    // owns it (db/remote, docs/decisions/0027); role `all` and the database process open it themselves.
    if (e.KILN_ROLE === "web" || e.KILN_ROLE === "worker")
      return openDatabase({ socket: embeddedDatabaseSocket(pgliteDir) });
    return openEmbeddedDatabase(pgliteDir);
  }
  const database = await openDatabase({ url: e.DATABASE_URL });
  await migrateOnce(e.DATABASE_URL, database);
  return database;
}

/** Any constant, the same in every process: several web and worker processes may start at once. */
const MIGRATION_LOCK_KEY = 7_305_119;

/**
 * Migrates under a session advisory lock on a connection of its own, so processes starting together
 * (N web + M workers) apply each migration once: the others wait, then find nothing left to do.
 */
async function migrateOnce(url: string, database: Database): Promise<void> {
  const lock = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: "kiln-migrate-lock" } });
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await database.migrate();
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await lock.end({ timeout: 5 });
  }
}

/** Closes the process-wide database (graceful shutdown); a later getDatabase() opens it again. */
export async function closeDatabase(): Promise<void> {
  const open = holder.__kilnDatabase;
  holder.__kilnDatabase = undefined;
  if (open) await (await open).close();
}

/** Tests hand the process-wide accessor a test database (used by Inngest function tests). */
export function useDatabaseForTests(database: Database): void {
  holder.__kilnDatabase = Promise.resolve(database);
}
