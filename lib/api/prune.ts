import { lt, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { apiIdempotencyKeys, apiRateWindows } from "@/db/schema";
import { deleteWhereInBatches, type BatchOptions } from "@/lib/operations/retention/batches";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";

/** Rate windows older than this are history nobody reads (a window counts for one minute). */
export const RATE_WINDOW_KEEP_MS = 3_600_000;

/**
 * Deletes the API's bookkeeping that has done its job: idempotency keys past their 24 hours (a
 * claim would release them anyway) and rate-limit windows older than an hour. Without it both
 * tables grow by a row per token-minute and per POST for ever. Part of the hourly retention run
 * (lib/operations/retention), in bounded batches.
 */
export async function pruneApiRecords({
  db,
  now = new Date(),
  ...options
}: { db: DbExecutor; now?: Date } & BatchOptions): Promise<{ idempotencyKeys: number; rateWindows: number }> {
  const idempotencyKeys = await deleteWhereInBatches(
    db,
    sql`${apiIdempotencyKeys}`,
    lt(apiIdempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
    options,
  );
  const rateWindows = await deleteWhereInBatches(
    db,
    sql`${apiRateWindows}`,
    lt(apiRateWindows.windowStart, new Date(now.getTime() - RATE_WINDOW_KEEP_MS)),
    options,
  );
  return { idempotencyKeys, rateWindows };
}
