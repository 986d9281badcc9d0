import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { batches, generations, presetVersions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";

/** What the engine must be asked for after a re-roll is committed. */
export type RerollRequest = {
  generationId: string;
  batchId: string;
  providerId: string;
  userId: string;
  attempts: number;
};

/** A new seed from the old one, deterministic (a repeated decision makes the same choice) and within int4. */
export function nextSeed(seed: number, depth: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 2654435761) + Math.imul(depth + 1, 40503)) >>> 1;
}

/**
 * Re-generates a row whose image the checks rejected: same template values and preset version, a
 * new seed, linked to its parent (the lineage finance attributes costs to). Stops at the preset
 * version's re-roll limit, when the batch was cancelled, or when this image was already re-rolled.
 */
export async function rerollGeneration(tx: Tx, generationId: string): Promise<RerollRequest | null> {
  const [row] = await tx
    .select({
      gen: generations,
      limit: presetVersions.rerollLimit,
      providerId: presetVersions.providerId,
      batchStatus: batches.status,
    })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .where(eq(generations.id, generationId))
    .limit(1);
  if (!row) return null;
  const { gen } = row;
  const [existing] = await tx.select().from(generations).where(eq(generations.rerollOf, gen.id)).limit(1);
  if (existing) {
    // Already re-rolled (a repeated decision): hand the request back while it has not started, so a
    // send lost in a crash is made again; the engine drops the duplicate by its event id.
    return existing.status === "queued" && existing.attempts === 0
      ? {
          generationId: existing.id,
          batchId: existing.batchId,
          providerId: row.providerId,
          userId: existing.ownerId,
          attempts: 0,
        }
      : null;
  }
  if (gen.rerollDepth >= row.limit || row.batchStatus === "cancelled") return null;

  const [child] = await tx
    .insert(generations)
    .values({
      batchId: gen.batchId,
      ownerId: gen.ownerId,
      rowLine: gen.rowLine,
      variantIndex: gen.variantIndex,
      tier: gen.tier,
      presetVersionId: gen.presetVersionId,
      templateVersionId: gen.templateVersionId,
      values: gen.values,
      // The same product: same title and carried CSV columns (the asset page adds "re-roll N").
      carriedColumns: gen.carriedColumns,
      title: gen.title,
      prompt: gen.prompt,
      negativePrompt: gen.negativePrompt,
      seed: nextSeed(gen.seed, gen.rerollDepth),
      width: gen.width,
      height: gen.height,
      rerollOf: gen.id,
      rerollDepth: gen.rerollDepth + 1,
      lineageRootId: gen.lineageRootId ?? gen.id,
    })
    .returning();
  // The batch grows by one and is running again until the re-roll settles.
  await tx
    .update(batches)
    .set({ total: sql`${batches.total} + 1`, status: "running", finishedAt: null })
    .where(eq(batches.id, gen.batchId));
  await recordAudit({
    db: tx,
    input: {
      actor: null,
      action: "generation.rerolled",
      subject: { type: "generation", id: child!.id },
      data: { parent: gen.id, batchId: gen.batchId, depth: child!.rerollDepth, limit: row.limit },
    },
  });
  return {
    generationId: child!.id,
    batchId: gen.batchId,
    providerId: row.providerId,
    userId: gen.ownerId,
    attempts: 0,
  };
}
