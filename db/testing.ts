import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { env } from "@/lib/env";
import { MIGRATIONS_FOLDER, openDatabase, type Database } from "./client";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a throw-away
 * database on the Postgres server named by DATABASE_URL (dropped again on close). Either starts
 * from a migrated template made once per set of migrations, not from an empty cluster.
 */
export async function createTestDatabase(): Promise<Database> {
  const url = env().DATABASE_URL;
  if (!url) return openMigratedMemoryDatabase();
  const name = `kiln_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await copyPostgresTemplate(admin, url, name);
  const database = await openDatabase({ url: databaseUrl(url, name) });
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

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates `name` as a copy of the migrated template database `kiln_template_<key>` (~0.1–0.3 s
 * against ~0.9–1.5 s to migrate an empty one), making the template first when the server has none.
 * A template is built under a name of its own and renamed into place once migrated, so no copy is
 * ever taken of a half-migrated one; two processes that build at once keep the first and drop the
 * second. Templates of older migrations are dropped when a new one is made (best effort: one in use
 * stays, and a process that loses its template to that drop makes it again).
 */
async function copyPostgresTemplate(admin: postgres.Sql, serverUrl: string, name: string): Promise<void> {
  const template = `kiln_template_${templateKeyOnce()}`;
  for (let attempt = 0; ; attempt += 1) {
    const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${template}`;
    if (!exists) await buildPostgresTemplate(admin, serverUrl, template);
    try {
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (error) {
      // 3D000: dropped between the look-up and the copy (another checkout's newer migrations).
      if ((error as { code?: string }).code !== "3D000" || attempt >= 2) throw error;
    }
  }
}

async function buildPostgresTemplate(admin: postgres.Sql, serverUrl: string, template: string): Promise<void> {
  const building = `${template}_${randomBytes(4).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE ${building}`);
  const database = await openDatabase({ url: databaseUrl(serverUrl, building) });
  await database.migrate();
  await database.close();
  for (let attempt = 0; ; attempt += 1) {
    try {
      // A closed connection's server process can outlive the close by a moment.
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${building}`;
      await admin.unsafe(`ALTER DATABASE ${building} RENAME TO ${template}`);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "42P04" || attempt >= 50) {
        // 42P04: another process's template was renamed into place first; it is the same.
        await admin.unsafe(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        if (code === "42P04") return;
        throw error;
      }
      if (code !== "55006") throw error; // 55006: still in use, try again
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const older = await admin<{ datname: string }[]>`
    SELECT datname FROM pg_database WHERE datname ~ '^kiln_template_[0-9a-f]{16}$' AND datname <> ${template}`;
  for (const { datname } of older) await admin.unsafe(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
}

/** Where migrated dumps are kept: npm's conventional cache folder, emptied by a fresh `npm ci`. */
const TEMPLATES = path.join(process.cwd(), "node_modules", ".cache", "kiln-test-databases");

/**
 * An in-memory PGlite with every migration applied, started from a dump of a migrated data folder.
 * A new PGlite runs initdb, and then the migrations: ~6–10 s per test database on two busy cores,
 * against ~2 s to start from the dump. The dump is made once per set of migrations and PGlite
 * version and kept in TEMPLATES (not the data folder, which tests point elsewhere); a test process
 * that finds none makes it. The migrations still run after the load (a no-op that checks
 * the journal), so a dump that missed one would be brought up to date, not trusted blindly.
 */
export async function openMigratedMemoryDatabase({ templates = TEMPLATES } = {}): Promise<Database> {
  const file = templateFile(templates);
  let database: Database | undefined;
  if (existsSync(file)) {
    database = await openDatabase({ memory: true, loadDataDir: new Blob([await readFile(file)]) }).catch(async () => {
      // Unreadable (a disk filled mid-write by another tool): make it again below.
      await rm(file, { force: true });
      return undefined;
    });
  }
  if (database) {
    await database.migrate();
    return database;
  }
  database = await openDatabase({ memory: true });
  await database.migrate();
  await saveTemplate(file, await database.embedded!.dumpDataDir("none"));
  return database;
}

/** Written beside its final name and renamed into place, so a reader never sees half a dump; older dumps go. */
async function saveTemplate(file: string, dump: Blob): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  for (const name of readdirSync(dir))
    if (name.endsWith(".tar") && path.join(dir, name) !== file) await rm(path.join(dir, name), { force: true });
}

/** The dump's file in `templates`: named by the migrations (every file, journal included) and the PGlite build. */
export function templateFile(templates = TEMPLATES): string {
  return path.join(templates, `${templateKeyOnce()}.tar`);
}

let templateKey: string | undefined;

function templateKeyOnce(): string {
  templateKey ??= migrationsAndPgliteHash();
  return templateKey;
}

function migrationsAndPgliteHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        hash
          .update(`${path.relative(MIGRATIONS_FOLDER, full)}\0`)
          .update(readFileSync(full))
          .update("\0");
    }
  };
  walk(MIGRATIONS_FOLDER);
  const pglite = path.join(process.cwd(), "node_modules", "@electric-sql", "pglite", "package.json");
  hash.update(existsSync(pglite) ? readFileSync(pglite) : "pglite: unknown");
  return hash.digest("hex").slice(0, 16);
}
