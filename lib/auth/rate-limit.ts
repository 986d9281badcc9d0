import { and, count, eq, gt } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { signInAttempts } from "@/db/schema";

export type RateLimitPolicy = { maxFailures: number; windowMinutes: number };

/**
 * Failed sign-ins are counted per email and per address over a sliding window; a success does
 * not wipe earlier failures, so guessing cannot be interleaved with a known-good account.
 */
export async function isSignInBlocked({
  db,
  email,
  ip,
  policy,
}: {
  db: DbExecutor;
  email: string;
  ip: string | null;
  policy: RateLimitPolicy;
}): Promise<boolean> {
  const since = new Date(Date.now() - policy.windowMinutes * 60_000);
  const [byEmail] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)));
  if ((byEmail?.n ?? 0) >= policy.maxFailures) return true;
  if (!ip) return false;
  // An address gets more room than one account: offices share addresses.
  const [byIp] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)));
  return (byIp?.n ?? 0) >= policy.maxFailures * 4;
}

export async function recordSignInAttempt({
  db,
  email,
  ip,
  succeeded,
}: {
  db: DbExecutor;
  email: string;
  ip: string | null;
  succeeded: boolean;
}): Promise<void> {
  await db.insert(signInAttempts).values({ email, ip: ip ?? "unknown", succeeded });
}
