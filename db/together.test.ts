import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { createTestDatabase, openMigratedMemoryDatabase } from "@/db/testing";
import { teams } from "@/db/schema";
import { serveEmbeddedDatabase, type HoldTrace } from "./remote/host";
import { embeddedDatabaseSocket } from "./remote/socket-path";
import { databaseErrorOf } from "@/test/db-errors";
import { together } from "./together";

/** On the test database: in-memory PGlite, or PostgreSQL (postgres.js pipelining) with DATABASE_URL. */
describe("statements sent together in one transaction", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it("run in the order they were started: each sees the ones before it", async () => {
    const { db } = database;
    const [, , [read], counted] = await db.transaction((tx) =>
      together(
        tx.insert(teams).values({ name: "together-a" }).execute(),
        tx.update(teams).set({ name: "together-b" }).where(eq(teams.name, "together-a")).execute(),
        tx.select({ name: teams.name }).from(teams).where(eq(teams.name, "together-b")).execute(),
        tx.execute(sql`select count(*)::int as n from teams where name like 'together-%'`).execute(),
      ),
    );
    expect(read).toEqual({ name: "together-b" });
    // postgres.js gives the rows, PGlite a result with rows.
    const rows = (Array.isArray(counted) ? counted : (counted as unknown as { rows: unknown[] }).rows) as {
      n: number;
    }[];
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("throws the first failure, and the transaction commits nothing", async () => {
    const { db } = database;
    await db.insert(teams).values({ name: "together-taken" });
    const attempt = db.transaction((tx) =>
      together(
        tx.insert(teams).values({ name: "together-before" }).execute(),
        // teams.name is unique: this one fails, and the statement after it finds the transaction aborted.
        tx.insert(teams).values({ name: "together-taken" }).execute(),
        tx.insert(teams).values({ name: "together-after" }).execute(),
      ),
    );
    // The second statement's own error, not the third's "current transaction is aborted".
    await expect(attempt).rejects.toThrow(/params: together-taken/);
    expect(await databaseErrorOf(attempt)).toMatch(/unique|duplicate/i);
    const left = await db
      .select({ name: teams.name })
      .from(teams)
      .where(sql`${teams.name} in ('together-before', 'together-after')`);
    expect(left).toEqual([]);
  });

  it("refuses a drizzle query that was not started, which would run out of order", async () => {
    const { db } = database;
    await expect(
      db.transaction(async (tx) =>
        together(
          tx.insert(teams).values({ name: "together-x" }).execute(),
          tx.select().from(teams) as unknown as Promise<unknown>,
        ),
      ),
    ).rejects.toThrow(/already started: call \.execute\(\)/);
  });
});

describe("statements sent together to the embedded database's host", () => {
  it("cost the host one wait on the caller instead of one per statement", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-together-"));
    const owner = await openMigratedMemoryDatabase();
    const holds: HoldTrace[] = [];
    const host = await serveEmbeddedDatabase(owner.embedded!, embeddedDatabaseSocket(path.join(dir, "pglite")), {
      trace: (entry) => holds.push(entry),
    });
    const remote = await openDatabase({ socket: host.socketPath });
    try {
      const names = (tag: string) => [1, 2, 3, 4].map((i) => ({ name: `${tag}-${i}` }));
      await remote.db.transaction(async (tx) => {
        for (const value of names("one-by-one")) await tx.insert(teams).values(value);
      });
      await remote.db.transaction((tx) =>
        together(...names("together").map((value) => tx.insert(teams).values(value).execute())),
      );
      const [oneByOne, sent] = holds.filter((h) => h.kind === "transaction");
      expect(oneByOne).toMatchObject({ statements: 4, callerWaits: 4 });
      // Begin and the four inserts arrive together; the host waits on the caller for the commit only.
      expect(sent).toMatchObject({ statements: 4, callerWaits: 1 });
      const rows = await remote.db
        .select({ name: teams.name })
        .from(teams)
        .where(sql`${teams.name} like 'together-%'`);
      expect(rows.map((r) => r.name).sort()).toEqual(["together-1", "together-2", "together-3", "together-4"]);
    } finally {
      await remote.close();
      await host.close();
      await owner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
