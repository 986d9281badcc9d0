import path from "node:path";
import { env, isBuildPhase } from "@/lib/env";
import { openDatabase, type Database } from "./client";
import { openEmbeddedDatabase } from "./embedded";

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
  if (!e.DATABASE_URL) return openEmbeddedDatabase(path.join(e.dataDir, "pglite"));
  const database = await openDatabase({ url: e.DATABASE_URL });
  await database.migrate();
  return database;
}

/** Tests hand the process-wide accessor a test database (used by Inngest function tests). */
export function useDatabaseForTests(database: Database): void {
  holder.__kilnDatabase = Promise.resolve(database);
}
