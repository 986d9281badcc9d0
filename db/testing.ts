import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { env } from "@/lib/env";
import { MIGRATIONS_FOLDER, openDatabase, type Database } from "./client";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a throw-away
 * database on the Postgres server named by DATABASE_URL (dropped again on close).
 */
export async function createTestDatabase(): Promise<Database> {
  const url = env().DATABASE_URL;
  if (!url) return openMigratedMemoryDatabase();
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
  templateKey ??= migrationsAndPgliteHash();
  return path.join(templates, `${templateKey}.tar`);
}

let templateKey: string | undefined;

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
