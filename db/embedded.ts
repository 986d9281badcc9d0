import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { openDatabase, type Database } from "./client";

/**
 * Opens (and migrates) the embedded PGlite in a data folder, as `npm start` does. On the very first
 * start PGlite runs initdb, whose WebAssembly memory (~450 MB) stays reachable from that instance for
 * as long as it is open; closing and reopening once after creating the cluster lets it go, so a new
 * installation does not carry that weight until its first restart (bench/delivery.ts measures RSS).
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  let database = await openDatabase({ dataDir });
  await database.migrate();
  if (fresh) {
    await database.close();
    database = await openDatabase({ dataDir });
  }
  return database;
}
