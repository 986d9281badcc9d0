import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { env } from "@/lib/env";
import { openDatabase, type Database } from "./client";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a throw-away
 * database on the Postgres server named by DATABASE_URL (dropped again on close).
 */
export async function createTestDatabase(): Promise<Database> {
  const url = env().DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ memory: true });
    await database.migrate();
    return database;
  }
  const name = `kiln_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const database = await openDatabase({ url: testUrl.toString() });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
