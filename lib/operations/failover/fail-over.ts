import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { generations, presetVersions, providerHealth } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { loadMoveTarget, moveGenerations, type MoveTarget } from "./move-generations";

export type FailoverResult = { moveId: string; moved: number; target: MoveTarget };

/**
 * Why failover to this target is not possible now, or null. Never onto the same endpoint, a paused
 * one or an unhealthy one: moving work from one broken endpoint to another helps nobody.
 */
async function unusable(tx: Tx, providerId: string, target: MoveTarget | undefined): Promise<boolean> {
  if (!target || target.provider.id === providerId || target.provider.paused) return true;
  const [h] = await tx
    .select({ state: providerHealth.state })
    .from(providerHealth)
    .where(eq(providerHealth.providerId, target.provider.id))
    .limit(1);
  return h?.state === "unhealthy";
}

/**
 * Moves the queued work of an unhealthy endpoint (of its fallback preset's tier only) to the
 * fallback's active version, in the caller's transaction: one generation_moves row per generation
 * (cause "failover") and one audit event for the whole move. No new requests are sent: each
 * generation's own request (parked on a busy slot or waiting its turn) runs it on the fallback
 * (lib/generation/batch-queries.ts decides which request owns a moved generation), so a failed
 * send can never strand work. Null when nothing moved.
 */
export async function failOverInTx(
  tx: Tx,
  input: { providerId: string; alsoId?: string },
): Promise<FailoverResult | null> {
  // One failover per endpoint at a time: the cron tick and a call-time check may meet.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kiln-failover:${input.providerId}`}))`);
  const [health] = await tx
    .select()
    .from(providerHealth)
    .where(eq(providerHealth.providerId, input.providerId))
    .limit(1);
  if (!health || health.state !== "unhealthy" || !health.fallbackPresetId) return null;
  const target = await loadMoveTarget(tx, health.fallbackPresetId);
  if (await unusable(tx, input.providerId, target)) return null;
  const rows = await moveGenerations(tx, {
    fromProviderId: input.providerId,
    target: target!,
    cause: "failover",
    reason: health.reason,
    alsoId: input.alsoId,
  });
  if (rows.length === 0) return null;
  const moveId = randomUUID();
  await recordAudit({
    db: tx,
    input: {
      actor: null,
      action: "provider.failed_over",
      subject: { type: "provider", id: input.providerId },
      data: {
        moveId,
        reason: health.reason,
        toPresetId: target!.preset.id,
        toPresetVersionId: target!.version.id,
        toProviderId: target!.provider.id,
        tier: target!.preset.tier,
        moved: rows.length,
        batchIds: [...new Set(rows.map((r) => r.batchId))].slice(0, 100),
      },
    },
  });
  return { moveId, moved: rows.length, target: target! };
}

/**
 * The call-time check (run-generation.ts, before every provider call): when the generation's
 * endpoint is unhealthy and has a fallback of the generation's tier, the endpoint's queued work of
 * that tier, this generation included (even if it is between retries), moves now. Work that starts
 * after the flip therefore goes to the fallback without waiting for the next health tick.
 * One cheap read when there is nothing to do.
 */
export async function failoverAtCallTime(db: Db, generationId: string): Promise<boolean> {
  const [row] = await db
    .select({ providerId: presetVersions.providerId, status: generations.status })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(providerHealth, eq(providerHealth.providerId, presetVersions.providerId))
    .where(
      and(
        eq(generations.id, generationId),
        eq(providerHealth.state, "unhealthy"),
        inArray(generations.status, ["queued", "running"]),
      ),
    )
    .limit(1);
  if (!row) return false;
  const result = await db.transaction((tx) => failOverInTx(tx, { providerId: row.providerId, alsoId: generationId }));
  return result !== null;
}
