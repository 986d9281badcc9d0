import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { apiRateWindows } from "@/db/schema";

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; allowed: boolean };

const WINDOW_MS = 60_000;

/**
 * Counts one request against the token's current one-minute window (a fixed window in the
 * database, so every web process shares it) and says whether it is allowed.
 */
export async function takeRateLimit({
  db,
  tokenId,
  limit,
  now = new Date(),
}: {
  db: DbExecutor;
  tokenId: string;
  limit: number;
  now?: Date;
}): Promise<RateLimitState> {
  const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
  const [row] = await db
    .insert(apiRateWindows)
    .values({ tokenId, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [apiRateWindows.tokenId, apiRateWindows.windowStart],
      set: { count: sql`${apiRateWindows.count} + 1` },
    })
    .returning({ count: apiRateWindows.count });
  const count = row!.count;
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000));
  return { limit, remaining: Math.max(0, limit - count), resetSeconds, allowed: count <= limit };
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), and Retry-After when refused. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.resetSeconds),
    "RateLimit-Policy": `${state.limit};w=60`,
    ...(state.allowed ? {} : { "Retry-After": String(state.resetSeconds) }),
  };
}
