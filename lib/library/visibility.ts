import { and, eq, exists, isNotNull, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets, assetSearch, collectionAssets, collections, users } from "@/db/schema";
import { seesAllAssets } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

/** The columns of the row being filtered: the library's read model (asset_search) by default, or ASSET_COLUMNS. */
export type AssetColumns = { id: AnyColumn; ownerId: AnyColumn };

const SEARCH_COLUMNS: AssetColumns = { id: assetSearch.assetId, ownerId: assetSearch.ownerId };
export const ASSET_COLUMNS: AssetColumns = { id: assets.id, ownerId: assets.ownerId };

/**
 * True for an asset on a collection shared with the actor's team (decision 0016). The team is read
 * from users in the same statement, so a user moved to another team stops seeing the old team's
 * boards at once.
 */
export function sharedWithActorCondition(ctx: Ctx, assetId: AnyColumn): SQL {
  return exists(
    ctx.db
      .select({ one: sql`1` })
      .from(collectionAssets)
      .innerJoin(collections, eq(collections.id, collectionAssets.collectionId))
      .where(
        and(
          eq(collectionAssets.assetId, assetId),
          isNotNull(collections.teamId),
          eq(collections.teamId, sql`(select ${users.teamId} from ${users} where ${users.id} = ${ctx.actor.id})`),
        ),
      ),
  );
}

/**
 * The one SQL rule for "assets this actor may see" (search, facets, selections, boards), as a
 * condition on asset_search (or on `assets` with ASSET_COLUMNS): reviewers and admins all;
 * designers their own plus those on a board shared with their team. Roles without assets.view
 * (finance) are refused outright, so they never get even an empty grid of images. The asset page
 * and blobs apply the same rule row by row (lib/assets/access.ts, lib/storage/blob-access.ts).
 * The shared clause is an EXISTS on indexed keys (collection_assets' primary key and asset index).
 */
export function visibleAssetsCondition(ctx: Ctx, cols: AssetColumns = SEARCH_COLUMNS): SQL {
  if (!can(ctx.actor.role, "assets.view"))
    throw new AppError("forbidden", "Your role does not include the asset library.");
  if (seesAllAssets(ctx)) return sql`true`;
  return sql`(${or(eq(cols.ownerId, ctx.actor.id), sharedWithActorCondition(ctx, cols.id))})`;
}

/** Row-by-row form of the shared clause, for callers holding one asset (the asset page, a blob). */
export async function isAssetSharedWithActor(ctx: Ctx, assetId: string, db: DbExecutor = ctx.db): Promise<boolean> {
  if (!can(ctx.actor.role, "assets.view")) return false;
  const rows = await db
    .select({ id: assets.id })
    .from(assets)
    .where(and(eq(assets.id, assetId), sharedWithActorCondition(ctx, assets.id)))
    .limit(1);
  return rows.length > 0;
}
