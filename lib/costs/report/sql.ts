import { sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";

/**
 * Raw aggregate queries on both drivers: postgres.js returns an array, PGlite `{ rows }`.
 * Money comes back as text (postgres.js would give int8/numeric as strings, PGlite as numbers)
 * and is turned into an exact integer by `micros`, never through a float sum.
 */
export async function queryRows<T>(db: DbExecutor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** An integer micro-dollar amount from SQL text; refuses anything that is not an exact safe integer. */
export function micros(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const big = BigInt(String(value));
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
    throw new Error(`Amount ${big} micro-dollars is beyond exact arithmetic.`);
  return Number(big);
}

/** As `micros`, keeping "no value" (e.g. cost per usable asset with nothing approved) as null. */
export function microsOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : micros(value);
}

/** A count from SQL (always cast to int in the query, but tolerant of text). */
export function int(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Exact sum of micros as text, 0 when there are no rows. */
export const sumMicros = (expr: SQL) => sql`coalesce(sum(${expr}), 0)::text`;

/**
 * Cost per usable asset in integer micros: spend ÷ approved, rounded half up, null when nothing was
 * approved. `div` is numeric integer division, so no float is involved.
 */
export const costPerUsable = (spend: SQL, approved: SQL) =>
  sql`case when ${approved} > 0 then div(coalesce(${spend}, 0) * 2 + ${approved}, ${approved} * 2)::text end`;

/** A rate from two counts; null when there is nothing to divide by (shown as "—", not 0 %). */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}
