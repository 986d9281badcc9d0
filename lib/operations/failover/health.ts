import { and, count, eq, gte, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { costLedger, type EndpointHealth } from "@/db/schema";
import { env } from "@/lib/env";
import type { ProbeResult } from "./probe";

export type ErrorRate = { calls: number; failed: number; windowMinutes: number };

/** The endpoint's generate calls in the window, from the ledger (one row per call, failed ones too). */
export async function recentErrorRate(db: DbExecutor, providerId: string, now = new Date()): Promise<ErrorRate> {
  const windowMinutes = env().KILN_FAILOVER_WINDOW_MINUTES;
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const [row] = await db
    .select({
      calls: count(),
      failed: sql<number>`count(*) filter (where ${costLedger.outcome} = 'failed')`.mapWith(Number),
    })
    .from(costLedger)
    .where(
      and(
        eq(costLedger.providerId, providerId),
        eq(costLedger.operation, "generate"),
        gte(costLedger.createdAt, since),
      ),
    );
  return { calls: row?.calls ?? 0, failed: row?.failed ?? 0, windowMinutes };
}

/**
 * Health in plain words. Unhealthy: the probe failed, or at least KILN_FAILOVER_MIN_CALLS calls in
 * the window and KILN_FAILOVER_ERROR_PERCENT of them failed. Degraded: half that rate. Recovery
 * is the same rule read the other way: the probe answers and the rate is low again.
 */
export function judgeHealth(rate: ErrorRate, probe: ProbeResult): { state: EndpointHealth; reason: string | null } {
  const { KILN_FAILOVER_MIN_CALLS: minCalls, KILN_FAILOVER_ERROR_PERCENT: percent } = env();
  const share = rate.calls > 0 ? (rate.failed * 100) / rate.calls : 0;
  const words = `${rate.failed} of ${rate.calls} calls failed in ${rate.windowMinutes} minutes`;
  if (!probe.ok) return { state: "unhealthy", reason: probe.message };
  if (rate.calls >= minCalls && share >= percent) return { state: "unhealthy", reason: words };
  if (rate.calls >= minCalls && share >= percent / 2) return { state: "degraded", reason: words };
  return { state: "healthy", reason: null };
}
