import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { collectionAssets, collections } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { MAX_ASSETS_PER_CHANGE } from "@/lib/library/limits";
import { partitionAssets, type Skip } from "@/lib/library/partition";
import { loadCollection } from "./access";

export const collectionAssetsInput = z.object({
  collectionId: z.string().uuid("Unknown collection."),
  assetIds: z
    .array(z.string().uuid("Unknown asset."))
    .min(1, "Select at least one asset.")
    .max(MAX_ASSETS_PER_CHANGE, `At most ${MAX_ASSETS_PER_CHANGE.toLocaleString("en")} assets at a time.`),
});

export type CollectionChange = { affected: number; changed: number; skipped: Skip[] };

/**
 * Adds assets the actor may see to a board the actor may change. Seeing is enough: putting an
 * asset on a board is not a change to the asset. If the board is shared, the team sees them too
 * (that is what sharing is for; decision 0016). One audit row per request names the assets.
 */
export async function addToCollection({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CollectionChange> {
  const data = parseInput(collectionAssetsInput, input);
  return ctx.db.transaction(async (tx) => {
    const c = await loadCollection(ctx, data.collectionId, "edit", tx);
    const { allowed, skipped } = await partitionAssets(ctx, data.assetIds, "see", tx);
    let changed = 0;
    for (let i = 0; i < allowed.length; i += 5000) {
      const rows = await tx
        .insert(collectionAssets)
        .values(allowed.slice(i, i + 5000).map((assetId) => ({ collectionId: c.id, assetId, addedBy: ctx.actor.id })))
        .onConflictDoNothing()
        .returning({ assetId: collectionAssets.assetId });
      changed += rows.length;
    }
    if (changed > 0) {
      await tx.update(collections).set({ updatedAt: new Date() }).where(eq(collections.id, c.id));
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "collection.assets_added",
          subject: { type: "collection", id: c.id },
          data: { assetIds: allowed, added: changed, teamId: c.teamId },
          ip: ctx.ip,
        },
      });
    }
    return { affected: allowed.length, changed, skipped };
  });
}

/** Removes assets from a board the actor may change; ids not on it are simply not removed. */
export async function removeFromCollection({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CollectionChange> {
  const data = parseInput(collectionAssetsInput, input);
  return ctx.db.transaction(async (tx) => {
    const c = await loadCollection(ctx, data.collectionId, "edit", tx);
    const ids = [...new Set(data.assetIds)];
    const removed = await tx
      .delete(collectionAssets)
      .where(and(eq(collectionAssets.collectionId, c.id), inArray(collectionAssets.assetId, ids)))
      .returning({ assetId: collectionAssets.assetId });
    if (removed.length > 0) {
      await tx.update(collections).set({ updatedAt: new Date() }).where(eq(collections.id, c.id));
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "collection.assets_removed",
          subject: { type: "collection", id: c.id },
          data: { assetIds: removed.map((r) => r.assetId), removed: removed.length },
          ip: ctx.ip,
        },
      });
    }
    return { affected: removed.length, changed: removed.length, skipped: [] };
  });
}
