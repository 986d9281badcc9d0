import {
  parse,
  protocol,
  type ParserOptions,
  type PGlite,
  type QueryOptions,
  type Results,
} from "@electric-sql/pglite";

/** What the statement cache needs of PGlite: its wire protocol and its type (de)serializers. */
export type ProtocolClient = Pick<PGlite, "execProtocol" | "parsers" | "serializers">;

type Parsers = PGlite["parsers"];

type Statement = { name: string; paramTypes: number[] };

/** Codes after which a cached statement cannot be used again: its plan changed shape, or it is gone. */
const STALE_STATEMENT = new Set(["0A000", "26000"]);

/**
 * Prepared statements for the embedded database host (host.ts): each distinct SQL text is parsed
 * and planned by PostgreSQL once, then run by name. PGlite's own query() parses, describes, binds
 * and executes in six trips into the engine for every call; here a repeat is one trip (bind,
 * describe, execute, sync), and the engine skips parse analysis. Kiln's statements are a few
 * hundred texts repeated for every image, so a small cache holds them (least recently used goes).
 * Results are parsed by PGlite's own parseResults with its parsers, so callers see what query() gives.
 *
 * Prepared statements belong to PGlite's one session and outlive transactions, so one cache
 * serves every connection and transaction of the host.
 */
/** Statement names are unique in the process, so two caches on one PGlite (tests, a restarted host) never collide. */
let named = 0;

export class PreparedStatements {
  private cache = new Map<string, Statement>();
  /** PGlite's parsers with a query's own on top, by the type ids those cover (see parsersFor). */
  private merged = new Map<string, { base: Parsers; parsers: Parsers }>();

  constructor(
    private pg: ProtocolClient,
    private max = 512,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  /**
   * Runs `sql` as a prepared statement. Outside a transaction, a statement whose cached plan went
   * stale (a table's shape changed) is prepared again and run once more; inside one, the error
   * has already aborted the transaction, so it is reported, as PostgreSQL reports it.
   */
  async query<T>(
    sql: string,
    params: unknown[] = [],
    options?: QueryOptions,
    inTransaction = false,
  ): Promise<Results<T>> {
    try {
      return await this.run<T>(sql, params, options);
    } catch (error) {
      if (inTransaction || !STALE_STATEMENT.has((error as { code?: string }).code ?? "")) throw error;
      return this.run<T>(sql, params, options);
    }
  }

  /** After DDL or any other simple-protocol statements (migrations): every cached plan is dropped. */
  async clear(): Promise<void> {
    this.merged.clear(); // DDL can add types, and PGlite's parsers with them
    for (const sql of [...this.cache.keys()]) await this.forget(sql);
  }

  private async run<T>(sql: string, params: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const statement = await this.statement(sql);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const oid = statement.paramTypes[i]!;
      const serialize = options?.serializers?.[oid] ?? this.pg.serializers[oid];
      return serialize ? serialize(value) : String(value);
    });
    const message = Buffer.concat([
      protocol.serialize.bind({ statement: statement.name, values }),
      protocol.serialize.describe({ type: "P" }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    ]);
    try {
      const { messages } = await this.pg.execProtocol(message);
      const parsers = this.parsersFor(options?.parsers);
      return parse.parseResults(
        messages,
        parsers,
        options?.rowMode ? { rowMode: options.rowMode } : undefined,
      )[0] as Results<T>;
    } catch (error) {
      // A table changed under a cached plan (or the statement was dropped): forget it, so the next
      // call prepares it again. This call fails as PostgreSQL's own cached plans would.
      if (STALE_STATEMENT.has((error as { code?: string }).code ?? "")) await this.forget(sql);
      throw withQuery(error, sql, params);
    }
  }

  /**
   * The parsers a result is read with: PGlite's, with the query's own on top. Given its own,
   * parseResults copies PGlite's ~320 parsers into a new object for every result (~160 µs on this
   * machine, against ~6 µs to parse a one-row result), and drizzle passes its own with every query
   * (dates and intervals kept as text). So the merged set is made once for each set of type ids
   * and reused while both PGlite's parsers and the query's functions are the same ones.
   */
  private parsersFor(own: ParserOptions | undefined): Parsers {
    const base = this.pg.parsers;
    if (!own) return base;
    const oids = Object.keys(own);
    if (oids.length === 0) return base;
    const key = oids.join(",");
    const hit = this.merged.get(key);
    if (hit && hit.base === base && oids.every((oid) => hit.parsers[Number(oid)] === own[Number(oid)]))
      return hit.parsers;
    const parsers = { ...base, ...own };
    this.merged.set(key, { base, parsers });
    return parsers;
  }

  private async statement(sql: string): Promise<Statement> {
    const hit = this.cache.get(sql);
    if (hit) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.cache.delete(sql);
      this.cache.set(sql, hit);
      return hit;
    }
    const name = `kiln_${(named++).toString(36)}`;
    let messages;
    try {
      ({ messages } = await this.pg.execProtocol(
        Buffer.concat([
          protocol.serialize.parse({ name, text: sql }),
          protocol.serialize.describe({ type: "S", name }),
          protocol.serialize.sync(),
        ]),
      ));
    } catch (error) {
      throw withQuery(error, sql, []);
    }
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.cache.set(sql, statement);
    if (this.cache.size > this.max) await this.forget(this.cache.keys().next().value!);
    return statement;
  }

  private async forget(sql: string): Promise<void> {
    const statement = this.cache.get(sql);
    if (!statement) return;
    this.cache.delete(sql);
    await this.pg
      .execProtocol(
        Buffer.concat([protocol.serialize.close({ type: "S", name: statement.name }), protocol.serialize.sync()]),
      )
      .catch(() => {});
  }
}

/** As PGlite's query() does: a database error carries the statement and its parameters. */
function withQuery(error: unknown, query: string, params: unknown[]): unknown {
  if (error && typeof error === "object" && "code" in error) Object.assign(error, { query, params });
  return error;
}
