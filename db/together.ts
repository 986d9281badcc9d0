/**
 * Statements of one transaction that do not need each other's results, sent without waiting for
 * each reply: one round trip instead of one per statement. While a transaction runs, the embedded
 * database serves nobody else and waits on this process for every next statement (a KILN_DB_TRACE
 * of bench:pipeline showed more than half of the time it was held spent so), so fewer round
 * trips inside transactions let more work through it.
 *
 * Pass statements already started, in the order they must run: a drizzle query's `.execute()`,
 * `tx.execute(sql…)`, or a helper that starts its first statement before its first await. Each
 * driver runs a connection's statements in the order they were started (the embedded host queues a
 * transaction's calls, postgres.js pipelines a reserved connection's queries, PGlite queues them
 * behind one mutex), and PostgreSQL itself runs them one after another. A statement that fails
 * aborts the transaction, so the ones after it fail too and the first failure is the one thrown.
 *
 * A drizzle query that was not started (no `.execute()`) is refused: it would start only when
 * awaited, after the others, and run out of order.
 */
export function together<T extends readonly Promise<unknown>[]>(
  ...statements: T
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  for (const statement of statements)
    if (!(statement instanceof Promise))
      throw new TypeError("together() takes statements already started: call .execute() on a drizzle query.");
  return Promise.all(statements) as Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }>;
}
