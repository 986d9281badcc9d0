import { eq } from "drizzle-orm";
import { z } from "zod";
import { assets, type Asset } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { isAssetSharedWithActor } from "@/lib/library/visibility";

/** Designers see their own assets; reviewers and admins see every asset (they review them). */
export function seesAllAssets(ctx: Ctx): boolean {
  return ctx.actor.role === "admin" || ctx.actor.role === "reviewer";
}

/**
 * The owner's rule for anything stored for an asset (its versions' images, renditions, masks):
 * reviewers and admins all, designers their own. Sharing through a collection widens what a
 * designer may *see* (loadVisibleAsset, blob-access) but never this rule, which acting relies on.
 */
export function seesAssetOwnedBy(ctx: Ctx, ownerId: string): boolean {
  return can(ctx.actor.role, "assets.view") && (seesAllAssets(ctx) || ownerId === ctx.actor.id);
}

const NOT_FOUND = "That asset does not exist or is not yours.";

async function loadAsset(ctx: Ctx, assetId: string): Promise<Asset | undefined> {
  if (!z.string().uuid().safeParse(assetId).success) return undefined;
  const [asset] = await ctx.db.select().from(assets).where(eq(assets.id, assetId)).limit(1);
  return asset;
}

/**
 * An asset the actor may LOOK at (asset page, thumbnails): the owner's rule, or the asset is on a
 * collection shared with the actor's team (decision 0016). Read-only: anything that changes the
 * asset, reviews it or re-runs it loads it with loadActionableAsset instead.
 */
export async function loadVisibleAsset(ctx: Ctx, assetId: string): Promise<Asset> {
  const asset = await loadAsset(ctx, assetId);
  if (!asset) throw new AppError("not_found", NOT_FOUND);
  if (seesAssetOwnedBy(ctx, asset.ownerId) || (await isAssetSharedWithActor(ctx, asset.id))) return asset;
  throw new AppError("not_found", NOT_FOUND);
}

/**
 * An asset the actor may act on under the owner's rule (designers their own, reviewers and admins
 * all; the caller adds its own permission, e.g. assets.edit). A board shared with the actor's team
 * gives no such right.
 */
export async function loadActionableAsset(ctx: Ctx, assetId: string): Promise<Asset> {
  const asset = await loadAsset(ctx, assetId);
  if (!asset || !seesAssetOwnedBy(ctx, asset.ownerId)) throw new AppError("not_found", NOT_FOUND);
  return asset;
}
