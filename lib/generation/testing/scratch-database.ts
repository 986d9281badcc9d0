import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { databaseUrl } from "@/db/testing";

/**
 * A throw-away database on the Postgres server of `serverUrl`, for a child process that must open
 * the same database by URL (db/testing's createTestDatabase hands out a connection, not a URL).
 */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kiln_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return {
    url: databaseUrl(serverUrl, name),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
