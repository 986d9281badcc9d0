import { lt } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { apiIdempotencyKeys, apiRateWindows } from "@/db/schema";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";

/** Rate windows older than this are history nobody reads (a window counts for one minute). */
export const RATE_WINDOW_KEEP_MS = 3_600_000;

/**
 * Deletes the API's bookkeeping that has done its job: idempotency keys past their 24 hours (a
 * claim would release them anyway) and rate-limit windows older than an hour. Without it both
 * tables grow by a row per token-minute and per POST for ever.
 */
export async function pruneApiRecords({ db, now = new Date() }: { db: DbExecutor; now?: Date }): Promise<{ idempotencyKeys: number; rateWindows: number }> {
  const keys = await db
    .delete(apiIdempotencyKeys)
    .where(lt(apiIdempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
    .returning({ key: apiIdempotencyKeys.key });
  const windows = await db
    .delete(apiRateWindows)
    .where(lt(apiRateWindows.windowStart, new Date(now.getTime() - RATE_WINDOW_KEEP_MS)))
    .returning({ start: apiRateWindows.windowStart });
  return { idempotencyKeys: keys.length, rateWindows: windows.length };
}
