import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { env } from "@/lib/env";
import { createTestDatabase, openMigratedMemoryDatabase, templateFile } from "./testing";

const templates = mkdtempSync(path.join(os.tmpdir(), "kiln-templates-"));
afterAll(() => rmSync(templates, { recursive: true, force: true }));

/** Every migration in the journal drizzle-kit writes, by tag. */
const journal = JSON.parse(readFileSync(path.join("db", "migrations", "meta", "_journal.json"), "utf8")) as {
  entries: Array<{ tag: string }>;
};

async function appliedMigrations(db: Awaited<ReturnType<typeof openMigratedMemoryDatabase>>) {
  const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
  return row!.n;
}

// Each test opens an empty PGlite at least once (initdb, then the migrations): ~15 s on two busy cores.
describe("a migrated in-memory test database", { timeout: 120_000 }, () => {
  it("is made once, kept as a dump, and each later one starts from it: migrated, and apart from the others", async () => {
    const file = templateFile(templates);
    expect(existsSync(file)).toBe(false);
    const first = await openMigratedMemoryDatabase({ templates });
    expect(existsSync(file)).toBe(true);
    const dumped = statSync(file).mtimeMs;
    const second = await openMigratedMemoryDatabase({ templates });
    try {
      expect(statSync(file).mtimeMs).toBe(dumped);
      expect(await appliedMigrations(first)).toBe(journal.entries.length);
      expect(await appliedMigrations(second)).toBe(journal.entries.length);
      // The extension the library's search needs is there, code and catalog.
      const [trgm] = await second.query<{ s: number }>("SELECT similarity('kiln', 'kilns') AS s");
      expect(trgm!.s).toBeGreaterThan(0.5);
      // Two databases, not one: a row written to one is not in the other.
      await first.query("CREATE TABLE probe (n int)");
      expect(await first.query("SELECT to_regclass('probe') IS NOT NULL AS here")).toEqual([{ here: true }]);
      expect(await second.query("SELECT to_regclass('probe') IS NOT NULL AS here")).toEqual([{ here: false }]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("replaces an unreadable dump instead of failing the test that needed it", async () => {
    const file = templateFile(templates);
    writeFileSync(file, "not a tar archive of a data folder");
    const database = await openMigratedMemoryDatabase({ templates });
    try {
      expect(await appliedMigrations(database)).toBe(journal.entries.length);
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!env().DATABASE_URL)("a test database on the PostgreSQL server", { timeout: 60_000 }, () => {
  it("is a copy of a migrated template database, apart from the others, and dropped on close", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    const admin = postgres(env().DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      expect(await appliedMigrations(first)).toBe(journal.entries.length);
      expect(await appliedMigrations(second)).toBe(journal.entries.length);
      const template = path.basename(templateFile(), ".tar");
      const named = await admin<
        { datname: string }[]
      >`SELECT datname FROM pg_database WHERE datname = ${`kiln_template_${template}`}`;
      expect(named).toHaveLength(1);
      await first.query("CREATE TABLE probe (n int)");
      expect(await second.query("SELECT to_regclass('probe') IS NOT NULL AS here")).toEqual([{ here: false }]);
      const [row] = await first.query<{ current: string }>("SELECT current_database() AS current");
      await first.close();
      expect(await admin`SELECT 1 FROM pg_database WHERE datname = ${row!.current}`).toHaveLength(0);
    } finally {
      await second.close();
      await admin.end({ timeout: 5 });
    }
  });
});
