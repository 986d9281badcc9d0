import { and, eq, inArray, or } from "drizzle-orm";
import type { Tx } from "@/db";
import {
  generationMoves,
  generations,
  presets,
  presetVersions,
  providers,
  type Preset,
  type PresetVersion,
  type Provider,
  type Tier,
} from "@/db/schema";

export type MoveTarget = { preset: Preset; version: PresetVersion; provider: Provider };
export type MovedRow = { generationId: string; batchId: string; userId: string };

/** A preset's active version and the endpoint it runs on: where moved work goes. */
export async function loadMoveTarget(db: Tx, presetId: string): Promise<MoveTarget | undefined> {
  const [target] = await db
    .select({ preset: presets, version: presetVersions, provider: providers })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .where(eq(presets.id, presetId))
    .limit(1);
  return target;
}

/**
 * Re-points the queued generations of one endpoint, of the target preset's tier only (a hero image
 * never silently becomes a draft: tier decides checks and review), at the target's active version,
 * and writes one generation_moves row each (shown on the Jobs page). `alsoId` adds one generation
 * that is already running there but between calls (the call-time failover of a retry).
 * Runs inside the caller's transaction; the caller audits the move once and requests the work.
 */
export async function moveGenerations(
  tx: Tx,
  input: {
    fromProviderId: string;
    target: MoveTarget;
    cause: "failover" | "manual";
    reason: string | null;
    alsoId?: string;
  },
): Promise<MovedRow[]> {
  const { target } = input;
  const onFrom = tx
    .select({ id: presetVersions.id })
    .from(presetVersions)
    .where(eq(presetVersions.providerId, input.fromProviderId));
  const status = input.alsoId
    ? or(eq(generations.status, "queued"), and(eq(generations.id, input.alsoId), eq(generations.status, "running")))
    : eq(generations.status, "queued");
  const rows = await tx
    .select({
      generationId: generations.id,
      batchId: generations.batchId,
      userId: generations.ownerId,
      fromVersionId: generations.presetVersionId,
    })
    .from(generations)
    .where(and(status, eq(generations.tier, target.preset.tier as Tier), inArray(generations.presetVersionId, onFrom)))
    .for("update");
  if (rows.length === 0) return [];
  const movedAt = new Date();
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await tx
      .update(generations)
      .set({ presetVersionId: target.version.id })
      .where(
        inArray(
          generations.id,
          chunk.map((r) => r.generationId),
        ),
      );
    await tx.insert(generationMoves).values(
      chunk.map((r) => ({
        generationId: r.generationId,
        batchId: r.batchId,
        fromPresetVersionId: r.fromVersionId,
        toPresetVersionId: target.version.id,
        fromProviderId: input.fromProviderId,
        toProviderId: target.provider.id,
        cause: input.cause,
        reason: input.reason,
        movedAt,
      })),
    );
  }
  return rows.map(({ generationId, batchId, userId }) => ({ generationId, batchId, userId }));
}
