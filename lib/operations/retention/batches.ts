import { sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";

/** Rows one statement deletes at most: a big backlog is many short statements, never one long transaction. */
export const RETENTION_BATCH = 1000;
/** Batches one run deletes at most; the rest waits for the next run (the cron is hourly). */
export const RETENTION_MAX_BATCHES = 500;

export type BatchOptions = { batchSize?: number; maxBatches?: number };

/** postgres.js hands back an array, PGlite an object with rows. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Runs `deleteBatch` (which deletes at most `batchSize` rows in one statement and returns the counts
 * it deleted, the first being the rows the batch is measured by) until a batch comes back short.
 */
export async function inBatches<K extends string>(
  keys: readonly K[],
  deleteBatch: (batchSize: number) => Promise<Record<K, number>>,
  { batchSize = RETENTION_BATCH, maxBatches = RETENTION_MAX_BATCHES }: BatchOptions = {},
): Promise<Record<K, number>> {
  const total = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (let i = 0; i < maxBatches; i++) {
    const counts = await deleteBatch(batchSize);
    for (const k of keys) total[k] += Number(counts[k] ?? 0);
    if (Number(counts[keys[0]!] ?? 0) < batchSize) break;
  }
  return total;
}

/**
 * Deletes the rows of `table` matching `where`, `batchSize` at a time by physical row id (ctid), so
 * a table with a composite or no single-column key is pruned the same way.
 */
export async function deleteWhereInBatches(
  db: DbExecutor,
  table: SQL,
  where: SQL,
  options: BatchOptions = {},
): Promise<number> {
  const { rows } = await inBatches(
    ["rows"] as const,
    async (n) => {
      const result = await db.execute(
        sql`with d as (delete from ${table} where ctid = any(array(select ctid from ${table} where ${where} limit ${n})) returning 1) select count(*)::int as rows from d`,
      );
      return { rows: Number(rowsOf<{ rows: number }>(result)[0]?.rows ?? 0) };
    },
    options,
  );
  return rows;
}
