import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PreparedStatements } from "./prepared";

let pg: PGlite;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(`
    CREATE TABLE t (id serial PRIMARY KEY, name text UNIQUE, data jsonb, at timestamptz, big bigint,
      tags text[], ratio numeric, raw bytea, u uuid);
    INSERT INTO t (name, data, at, big, tags, ratio, raw, u) VALUES
      ('a', '{"x": [1, 2]}', '2026-01-02T03:04:05Z', 9007199254740993, '{p,q}', 1.50, '\\x0102', 'c0ffee00-0000-4000-8000-000000000001'),
      ('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL);`);
});
afterAll(() => pg?.close());

describe("prepared statements for the database host", () => {
  it("gives what PGlite's query() gives: rows, fields, types, affected rows, row modes", async () => {
    const prepared = new PreparedStatements(pg);
    const cases: Array<[string, unknown[], { rowMode?: "array" }?]> = [
      ["SELECT * FROM t WHERE name = $1", ["a"]],
      ["SELECT * FROM t ORDER BY id", []],
      ["SELECT * FROM t WHERE data @> $1", [{ x: [1, 2] }]],
      ["SELECT id, at FROM t WHERE at < $1", [new Date("2027-01-01")]],
      ["SELECT $1::text[] AS tags, $2::int AS n", [["a", "b,c"], 7]],
      ["SELECT * FROM t WHERE name = ANY($1)", [["a", "b"]]],
      ["SELECT name FROM t ORDER BY id", [], { rowMode: "array" }],
      ["UPDATE t SET big = big WHERE name IN ($1, $2)", ["a", "b"]],
    ];
    for (const [sql, params, options] of cases) {
      const ours = await prepared.query(sql, params, options);
      const theirs = await pg.query(sql, params, options);
      expect(ours, sql).toEqual(theirs);
      // A second run is served from the cache and still the same.
      expect(await prepared.query(sql, params, options), sql).toEqual(theirs);
    }
    expect(prepared.size).toBe(cases.length);
  });

  it("reads results with a query's own parsers on top of PGlite's, as query() does, and follows a change of them", async () => {
    const prepared = new PreparedStatements(pg);
    const sql = "SELECT id, at, big, data FROM t ORDER BY id";
    const keepText = (value: string) => value;
    // What drizzle passes with every query: timestamps kept as text.
    const asText = { rowMode: "array" as const, parsers: { 1184: keepText, 1114: keepText } };
    const theirs = await pg.query(sql, [], asText);
    expect(theirs.rows[0]).toEqual([1, "2026-01-02 03:04:05+00", 9007199254740993n, { x: [1, 2] }]);
    for (let run = 0; run < 3; run++) expect(await prepared.query(sql, [], asText), `run ${run}`).toEqual(theirs);
    // Without its own parsers the same statement gives PGlite's Date again.
    expect(await prepared.query(sql)).toEqual(await pg.query(sql));
    // Other functions for the same type ids are used, not the ones seen first.
    const marked = { parsers: { 1184: (value: string) => `at ${value}`, 1114: keepText } };
    expect((await prepared.query<{ at: string }>(sql, [], marked)).rows[0]!.at).toBe("at 2026-01-02 03:04:05+00");
    expect(await prepared.query(sql, [], asText)).toEqual(theirs);
  });

  it("reports database errors with their fields, and the session stays usable", async () => {
    const prepared = new PreparedStatements(pg);
    const error = await prepared.query("INSERT INTO t (name) VALUES ($1)", ["a"]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "23505", constraint: "t_name_key" });
    const syntax = await prepared.query("SELEC 1").catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: "42601" });
    expect((await prepared.query<{ n: number }>("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 2 }]);
  });

  it("runs inside a transaction, which rolls back as usual", async () => {
    const prepared = new PreparedStatements(pg);
    await pg
      .transaction(async () => {
        await prepared.query("INSERT INTO t (name) VALUES ($1)", ["tx"]);
        expect((await prepared.query("SELECT 1 FROM t WHERE name = $1", ["tx"])).rows).toHaveLength(1);
        throw new Error("roll back");
      })
      .catch(() => {});
    expect((await prepared.query("SELECT 1 FROM t WHERE name = $1", ["tx"])).rows).toHaveLength(0);
  });

  it("prepares again after a table's shape changed under a cached plan", async () => {
    const prepared = new PreparedStatements(pg);
    await pg.exec("CREATE TABLE shape (a int); INSERT INTO shape VALUES (1)");
    expect((await prepared.query("SELECT * FROM shape")).rows).toEqual([{ a: 1 }]);
    await pg.exec("ALTER TABLE shape ADD COLUMN b int DEFAULT 2");
    // Outside a transaction the stale plan is prepared again at once.
    expect((await prepared.query("SELECT * FROM shape")).rows).toEqual([{ a: 1, b: 2 }]);
    // Inside one, PostgreSQL's refusal aborted the transaction: it is reported, and the next call re-prepares.
    await pg.exec("ALTER TABLE shape ADD COLUMN c int DEFAULT 3");
    const inTx = await pg
      .transaction(() => prepared.query("SELECT * FROM shape", [], undefined, true))
      .catch((e: unknown) => e);
    expect(inTx).toMatchObject({ code: "0A000", message: "cached plan must not change result type" });
    expect((await prepared.query("SELECT * FROM shape")).rows).toEqual([{ a: 1, b: 2, c: 3 }]);
  });

  it("drops every cached plan when cleared (the host does after an exec)", async () => {
    const prepared = new PreparedStatements(pg);
    await prepared.query("SELECT 42 AS cleared");
    expect(prepared.size).toBe(1);
    await prepared.clear();
    expect(prepared.size).toBe(0);
    const left = await pg.query("SELECT 1 FROM pg_prepared_statements WHERE statement = 'SELECT 42 AS cleared'");
    expect(left.rows).toEqual([]);
  });

  it("keeps at most its size, forgetting the least recently used", async () => {
    const prepared = new PreparedStatements(pg, 2);
    await prepared.query("SELECT 1 AS a");
    await prepared.query("SELECT 2 AS b");
    await prepared.query("SELECT 1 AS a");
    await prepared.query("SELECT 3 AS c");
    expect(prepared.size).toBe(2);
    const names = (await pg.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements")).rows.map(
      (r) => r.statement,
    );
    expect(names).toContain("SELECT 1 AS a");
    expect(names).toContain("SELECT 3 AS c");
    expect(names).not.toContain("SELECT 2 AS b");
  });
});
