import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { providerHealth, providers, type EndpointHealth } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { failOverInTx } from "./fail-over";
import { judgeHealth, recentErrorRate } from "./health";
import { probeEndpoint, type Prober } from "./probe";

export type EndpointVerdict = {
  providerId: string;
  slug: string;
  state: EndpointHealth;
  reason: string | null;
  changed: boolean;
  moved: number;
};

/**
 * The health tick (every minute, inngest/functions/operations/endpoint-health.ts): probe each
 * endpoint and read its recent error rate, record the verdict, audit every change of state, and
 * while an endpoint is unhealthy move its queued work to its fallback preset (each tick, so work
 * queued since the last one moves too). Paused endpoints are left alone: an admin is on them.
 * When an endpoint recovers, new work goes to it again; moved work stays moved.
 */
export async function evaluateEndpoints({
  db,
  probe = (p) => probeEndpoint(p),
  now = new Date(),
}: {
  db: Db;
  probe?: Prober;
  now?: Date;
}): Promise<EndpointVerdict[]> {
  const list = await db.select().from(providers).where(eq(providers.paused, false));
  const verdicts: EndpointVerdict[] = [];
  // Probes run side by side (each has its own timeout), so one slow endpoint does not delay the rest.
  const probes = await Promise.all(list.map((p) => probe(p)));
  for (const [i, provider] of list.entries()) {
    const [rate, probed] = [await recentErrorRate(db, provider.id, now), probes[i]!];
    const { state, reason } = judgeHealth(rate, probed);
    const verdict = await db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(providerHealth)
        .where(eq(providerHealth.providerId, provider.id))
        .for("update")
        .limit(1);
      const from = before?.state ?? "healthy";
      const changed = from !== state;
      await tx
        .insert(providerHealth)
        .values({ providerId: provider.id, state, reason, probedAt: now, changedAt: now })
        .onConflictDoUpdate({
          target: providerHealth.providerId,
          set: { state, reason, probedAt: now, ...(changed ? { changedAt: now } : {}) },
        });
      if (changed) {
        await recordAudit({
          db: tx,
          input: {
            actor: null,
            action: "provider.health_changed",
            subject: { type: "provider", id: provider.id },
            data: { slug: provider.slug, from, to: state, reason },
          },
        });
      }
      const moved = state === "unhealthy" ? await failOverInTx(tx, { providerId: provider.id }) : null;
      return { providerId: provider.id, slug: provider.slug, state, reason, changed, moved: moved?.moved ?? 0 };
    });
    verdicts.push(verdict);
  }
  return verdicts;
}
