import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { openMigratedMemoryDatabase } from "@/db/testing";
import { users } from "@/db/schema";
import { startRunner } from "@/inngest/runner";
import { embeddedHostLock } from "@/inngest/runner-lock";
import { silent } from "@/inngest/runner/test-harness";
import { asForeground, FOREGROUND_HEADER, storeWithPages } from "@/lib/system/foreground";
import { serveEmbeddedDatabase, type DatabaseHost, type HoldTrace } from "./host";
import { embeddedDatabaseSocket } from "./socket-path";

/** Whether `work` settles within `ms`. */
const settledWithin = async (work: Promise<unknown>, ms: number) =>
  Promise.race([work.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

/** A real PGlite served on a real Unix socket, used through drizzle from a second client. */
describe("the embedded database served to another process", () => {
  let dir: string;
  let owner: Database;
  let host: DatabaseHost;
  let remote: Database;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "kiln-remote-"));
    owner = await openMigratedMemoryDatabase();
    await owner.query("create table remote_t (id int primary key, note text, at timestamptz, data bytea)");
    host = await serveEmbeddedDatabase(owner.embedded!, embeddedDatabaseSocket(path.join(dir, "pglite")));
    remote = await openDatabase({ socket: host.socketPath });
  });
  afterAll(async () => {
    await remote?.close();
    await host?.close();
    await owner?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers queries with the values PGlite gives, dates and bytes included", async () => {
    const at = new Date("2026-03-04T05:06:07.000Z");
    await remote.query("insert into remote_t values ($1, $2, $3, $4)", [1, "one", at, new Uint8Array([1, 2, 3])]);
    const [row] = (await remote.query<{ id: number; note: string; at: Date; data: Uint8Array }>(
      "select * from remote_t where id = 1",
    )) as [{ id: number; note: string; at: Date; data: Uint8Array }];
    expect(row.id).toBe(1);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe(at.toISOString());
    expect([...row.data]).toEqual([1, 2, 3]);
    // The owner sees the same row: one database, not a copy.
    expect(await owner.query("select note from remote_t where id = 1")).toEqual([{ note: "one" }]);
  });

  it("works through drizzle, timestamps mapped as in one process", async () => {
    const [made] = await remote.db
      .insert(users)
      .values({ email: "remote@kiln.test", name: "Remote", role: "designer" })
      .returning();
    const [found] = await remote.db.select().from(users).where(eq(users.id, made!.id));
    expect(found?.email).toBe("remote@kiln.test");
    expect(found?.createdAt).toBeInstanceOf(Date);
    const counted = await remote.db.execute(sql`select count(*)::int as n from users where email = 'remote@kiln.test'`);
    expect((counted as unknown as { rows: { n: number }[] }).rows).toEqual([{ n: 1 }]);
  });

  it("passes database errors with their code, so unique violations are recognised", async () => {
    const error = await remote.query("insert into remote_t (id) values (1)").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "23505" });
    expect((error as Error).message).toMatch(/duplicate key/);
  });

  it("commits a transaction, and rolls one back when its function throws", async () => {
    await remote.transaction(async (q) => {
      await q("insert into remote_t (id, note) values (10, 'kept')");
    });
    await expect(
      remote.transaction(async (q) => {
        await q("insert into remote_t (id, note) values (11, 'dropped')");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await expect(
      remote.db.transaction(async (tx) => {
        await tx.execute(sql`insert into remote_t (id, note) values (12, 'dropped too')`);
        tx.rollback();
      }),
    ).rejects.toThrow();
    const rows = await owner.query<{ id: number }>("select id from remote_t where id >= 10 order by id");
    expect(rows.map((r) => r.id)).toEqual([10]);
  });

  it("keeps a transaction's writes out of sight until it commits, and runs transactions one at a time", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = remote.transaction(async (q) => {
      await q("insert into remote_t (id, note) values (20, 'first')");
      await held;
      await q("update remote_t set note = 'first, done' where id = 20");
    });
    // A second transaction waits for the first; the owner's own query waits too.
    let secondSaw: string | null = null;
    const second = remote.transaction(async (q) => {
      const [row] = await q<{ note: string }>("select note from remote_t where id = 20");
      secondSaw = row?.note ?? null;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(secondSaw).toBeNull();
    release();
    await Promise.all([first, second]);
    expect(secondSaw).toBe("first, done");
  });

  it("rolls back what a process left open when its connection closes", async () => {
    const other = await openDatabase({ socket: host.socketPath });
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const abandoned = other.transaction(async (q) => {
      await q("insert into remote_t (id, note) values (30, 'abandoned')");
      inside();
      await new Promise(() => undefined); // never finishes: the process dies here
    });
    abandoned.catch(() => undefined);
    await opened;
    await other.close();
    // The owner can write again (the transaction let go) and the abandoned row is gone.
    await owner.query("insert into remote_t (id, note) values (31, 'after')");
    expect(await owner.query("select id from remote_t where id in (30, 31) order by id")).toEqual([{ id: 31 }]);
  });

  it("gives the runner's lock to one connection at a time and frees it when that connection closes", async () => {
    const first = embeddedHostLock(host.socketPath, 4242);
    const second = embeddedHostLock(host.socketPath, 4242);
    expect(await first.tryAcquire()).toBe(true);
    expect(await first.tryAcquire()).toBe(true); // held already: still ours
    expect(await second.tryAcquire()).toBe(false);
    expect(await first.stillHeld()).toBe(true);
    expect(await second.stillHeld()).toBe(false);
    await first.close(); // the worker that held it exits
    await expect.poll(() => second.tryAcquire(), { timeout: 2_000 }).toBe(true);
    expect(await first.stillHeld()).toBe(false);
    await second.close();
  });

  it("holds the other processes' calls while the web process answers people (pages first), never inside a transaction", async () => {
    const web = await openDatabase({ socket: host.socketPath });
    try {
      // A transaction the worker opened before the page arrived runs to its end.
      const inTransaction = remote.transaction(async (query) => {
        await query("select 1");
        await web.setForeground!(true);
        return query("select 2 as n");
      });
      expect(await settledWithin(inTransaction, 300)).toBe(true);

      // A new call waits while the page is in flight; the web process's own calls do not.
      const held = remote.query("select 3 as n");
      expect(await settledWithin(web.query("select 4"), 300)).toBe(true);
      expect(await settledWithin(held, 200)).toBe(false);
      await web.setForeground!(false);
      expect(await settledWithin(held, 300)).toBe(true);

      // Background work always moves on: at most BACKGROUND_MAX_WAIT_MS (500 ms) while pages stay busy.
      await web.setForeground!(true);
      const started = Date.now();
      await remote.query("select 5");
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(2_000);

      // A web process that goes away mid-request releases the others at once.
      const heldAgain = remote.query("select 6");
      await web.close();
      expect(await settledWithin(heldAgain, 300)).toBe(true);
    } finally {
      await web.close();
    }
  });

  it("answers a page's call before background calls that were waiting first", async () => {
    const web = await openDatabase({ socket: host.socketPath });
    try {
      await web.setForeground!(false); // a page connection, with no page in flight
      await owner.query("create sequence if not exists remote_turns");
      // The order the database ran them in (replies on two sockets may be read in either order).
      const turn = async (database: Database) =>
        Number((await database.query<{ n: string }>("select nextval('remote_turns') as n"))[0]!.n);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // A worker's transaction holds the database while the others queue.
      const transaction = remote.transaction(async (query) => {
        await query("select 1");
        await gate;
      });
      await new Promise((r) => setTimeout(r, 50));
      const background = Promise.all([turn(remote), turn(remote), turn(remote)]);
      await new Promise((r) => setTimeout(r, 20));
      const page = turn(web);
      release();
      await transaction;
      expect(await page).toBeLessThan(Math.min(...(await background)));
    } finally {
      await web.close();
    }
  });

  it("runs a call made for a person's request on another connection with the pages, not after them", async () => {
    const web = await openDatabase({ socket: host.socketPath });
    try {
      await web.setForeground!(true);
      const held = remote.query("select 1");
      // The worker's runner storing a page's event: a query and a transaction, both marked.
      expect(
        await settledWithin(
          asForeground(() => remote.query("select 2")),
          300,
        ),
      ).toBe(true);
      const marked = asForeground(() => remote.transaction(async (query) => (await query("select 3 as n"))[0]));
      expect(await settledWithin(marked, 300)).toBe(true);
      expect(await marked).toEqual({ n: 3 });
      // Unmarked background work on the same connection still waits for the page.
      expect(await settledWithin(held, 50)).toBe(false);
      await web.setForeground!(false);
      expect(await settledWithin(held, 300)).toBe(true);
    } finally {
      await web.close();
    }
  });

  it("lets the runner's event API answer a page's send while that page is in flight, not a background send", async () => {
    const web = await openDatabase({ socket: host.socketPath });
    const runner = await startRunner({
      db: { query: remote.query, transaction: remote.transaction },
      port: 0,
      appUrl: "http://127.0.0.1:9/api/inngest",
      logger: silent,
      syncIntervalMs: 60_000,
      eventIntake: storeWithPages,
    });
    const send = async (name: string, headers: Record<string, string>) => {
      const started = Date.now();
      const response = await fetch(`${runner.url}/e/any-key`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ name, data: { n: 1 } }),
      });
      expect(response.status).toBe(200);
      const { ids } = (await response.json()) as { ids: string[] };
      return { ms: Date.now() - started, ids };
    };
    try {
      // The web process is answering the request that sends this event, as POST /api/batches does.
      await web.setForeground!(true);
      const { ms, ids } = await send("kiln/test.page-sent", { [FOREGROUND_HEADER]: "1" });
      expect(ids).toHaveLength(1);
      // Held behind the page it would wait BACKGROUND_MAX_WAIT_MS (500 ms) and the page with it.
      expect(ms).toBeLessThan(400);
      // A background function's send (a batch's fan-out) still waits for the pages.
      expect((await send("kiln/test.background-sent", {})).ms).toBeGreaterThanOrEqual(450);
      await web.setForeground!(false);
      const stored = await remote.query<{ name: string }>("select name from inngest_runner_events where id = $1", [
        ids[0],
      ]);
      expect(stored).toEqual([{ name: "kiln/test.page-sent" }]);
    } finally {
      await web.close();
      await runner.close();
    }
  });

  it("refuses a second host for the same database", async () => {
    await expect(serveEmbeddedDatabase(owner.embedded!, host.socketPath)).rejects.toThrow(/already serves/);
  });
});

describe("the host's hold trace", () => {
  it("sends a transaction's first statement with its begin: the host waits on the caller once per later call only", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-trace-"));
    const owner = await openDatabase({ memory: true });
    const holds: HoldTrace[] = [];
    const host = await serveEmbeddedDatabase(owner.embedded!, embeddedDatabaseSocket(path.join(dir, "pglite")), {
      trace: (entry) => holds.push(entry),
    });
    const remote = await openDatabase({ socket: host.socketPath });
    try {
      await remote.query("create table traced (n int)");
      await remote.transaction(async (q) => {
        await q("insert into traced values (1)");
        await q("insert into traced values (2)");
      });
      const tx = holds.find((h) => h.kind === "transaction");
      expect(tx).toMatchObject({ page: false, statements: 2 });
      // The second insert and the commit: two round trips (three when begin was answered first).
      expect(tx!.callerWaits).toBe(2);
      expect(tx!.sql).toContain("insert into traced values (1)");
      expect(holds.find((h) => h.kind === "query")).toMatchObject({ statements: 1, callerWaits: 0 });
      expect(await remote.query<{ n: number }>("select count(*)::int as n from traced")).toEqual([{ n: 2 }]);
    } finally {
      await remote.close();
      await host.close();
      await owner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
