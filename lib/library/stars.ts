import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { assetStars } from "@/db/schema";
import { loadVisibleAsset } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";

const starInput = z.object({ assetId: z.string().uuid("Unknown asset.") });

/**
 * A star is the actor's own favourite mark on any asset they may see (shared ones too); personal,
 * so not audited. Starring twice is the same as once. The search helper reads asset_stars for `is:starred`.
 */
export async function starAsset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ starred: true }> {
  const { assetId } = parseInput(starInput, input);
  const asset = await loadVisibleAsset(ctx, assetId);
  await ctx.db.insert(assetStars).values({ userId: ctx.actor.id, assetId: asset.id }).onConflictDoNothing();
  return { starred: true };
}

export async function unstarAsset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ starred: false }> {
  const { assetId } = parseInput(starInput, input);
  await loadVisibleAsset(ctx, assetId);
  await ctx.db.delete(assetStars).where(and(eq(assetStars.userId, ctx.actor.id), eq(assetStars.assetId, assetId)));
  return { starred: false };
}

/** Which of these assets the actor starred (for tiles and the asset page). */
export async function starredAmong(ctx: Ctx, assetIds: string[]): Promise<Set<string>> {
  if (assetIds.length === 0) return new Set();
  const rows = await ctx.db
    .select({ id: assetStars.assetId })
    .from(assetStars)
    .where(and(eq(assetStars.userId, ctx.actor.id), inArray(assetStars.assetId, assetIds)));
  return new Set(rows.map((r) => r.id));
}
