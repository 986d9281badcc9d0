import { eq } from "drizzle-orm";
import { z } from "zod";
import { assets, type Asset } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

/** Designers see their own assets; reviewers and admins see every asset (they review them). */
export function seesAllAssets(ctx: Ctx): boolean {
  return ctx.actor.role === "admin" || ctx.actor.role === "reviewer";
}

/** The asset rule for anything stored for an asset (its versions' images, renditions, masks). */
export function seesAssetOwnedBy(ctx: Ctx, ownerId: string): boolean {
  return can(ctx.actor.role, "assets.view") && (seesAllAssets(ctx) || ownerId === ctx.actor.id);
}

export async function loadVisibleAsset(ctx: Ctx, assetId: string): Promise<Asset> {
  if (!z.string().uuid().safeParse(assetId).success) throw new AppError("not_found", "That asset does not exist.");
  const [asset] = await ctx.db.select().from(assets).where(eq(assets.id, assetId)).limit(1);
  if (!asset || (!seesAllAssets(ctx) && asset.ownerId !== ctx.actor.id)) throw new AppError("not_found", "That asset does not exist or is not yours.");
  return asset;
}
