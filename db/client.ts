import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { gateBackgroundCalls } from "@/lib/system/foreground";
import type { HostedClient } from "./remote/host";
import { RemotePGlite } from "./remote/client";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type DbExecutor = Db | Tx;

/** A raw SQL executor for code that must not depend on the product's schema (the runner). */
export type SqlQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export type Database = {
  db: Db;
  kind: "pglite" | "postgres";
  query: SqlQuery;
  /** Runs fn in one transaction on one connection, with a raw executor bound to it. */
  transaction<T>(fn: (query: SqlQuery) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The embedded PGlite this process owns (gated for pages first), for db/remote/host.ts to serve (and db/testing.ts to dump). */
  embedded?: HostedClient & Pick<PGlite, "dumpDataDir">;
  /** Set when this process uses the embedded database through its host's socket (db/remote). */
  remoteSocket?: string;
  /** Over that socket: tells the host this process is answering people's requests, or has answered them all (pages first). */
  setForeground?: (busy: boolean) => Promise<void>;
};

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * `socket`: the embedded database that another Kiln process on this machine owns and serves
 * (db/remote, docs/decisions/0027-embedded-database-host.md).
 */
export type OpenOptions =
  | { url: string }
  | { dataDir: string }
  /** In memory; `loadDataDir` starts it from a dump of another database's data folder (db/testing.ts). */
  | { memory: true; loadDataDir?: Blob }
  | { socket: string };

/** Opens Postgres (postgres.js) when given a URL, otherwise the embedded PGlite. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ("url" in options) {
    // JIT off for Kiln's sessions: its queries are short reads, writes and index-range aggregates,
    // for which LLVM compilation costs more than it saves (370 ms of inlining and optimisation on a
    // 30-day cost breakdown that runs in 170 ms without it; see bench/costs.ts).
    const sql = postgres(options.url, { max: 10, onnotice: () => {}, connection: { jit: "off" } });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      query: async (text, params = []) => (await sql.unsafe(text, params as never[])) as never,
      transaction: (fn) =>
        sql.begin((tx) =>
          fn(async (text, params = []) => (await tx.unsafe(text, params as never[])) as never),
        ) as never,
      migrate: () => migratePostgres(drizzlePostgres(sql, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  if ("socket" in options) {
    const remote = await RemotePGlite.connect(options.socket);
    const db = drizzlePglite({ client: remote as unknown as PGlite, schema });
    return {
      db: db as unknown as Db,
      kind: "pglite",
      query: async (text, params = []) => (await remote.query(text, params)).rows as never,
      transaction: (fn) =>
        remote.transaction((tx) => fn(async (text, params = []) => (await tx.query(text, params)).rows as never)),
      // The owner migrates before it starts serving, so there is nothing left to do here.
      migrate: async () => undefined,
      close: () => remote.close(),
      remoteSocket: options.socket,
      setForeground: (busy) => remote.setForeground(busy),
    };
  }
  // pg_trgm backs the library's fragment search (migration 0016 creates it). PGlite loads an
  // extension's code only when asked at open, so every opening of the app database passes it here.
  const extensions = { pg_trgm };
  // Background calls wait for people's requests first (one event loop, one WebAssembly database in
  // the one-process shape); a no-op unless the Next server installed the tracking (lib/system/foreground).
  const client = gateBackgroundCalls(
    "dataDir" in options
      ? await PGlite.create(options.dataDir, { extensions })
      : await PGlite.create({ extensions, loadDataDir: options.loadDataDir }),
  );
  const pglite = drizzlePglite(client, { schema });
  return {
    db: pglite as unknown as Db,
    kind: "pglite",
    query: async (text, params = []) => (await client.query(text, params)).rows as never,
    transaction: (fn) =>
      client.transaction((tx) => fn(async (text, params = []) => (await tx.query(text, params)).rows as never)),
    migrate: () => migratePglite(pglite, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
    embedded: client,
  };
}
