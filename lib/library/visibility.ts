import { and, eq, exists, isNotNull, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets, collectionAssets, collections, users } from "@/db/schema";
import { seesAllAssets } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

/** The columns of the row being filtered: `assets` by default, or the library's read model (asset_search). */
export type AssetColumns = { id: AnyColumn; ownerId: AnyColumn };

const ASSET_COLUMNS: AssetColumns = { id: assets.id, ownerId: assets.ownerId };

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
 * The one SQL rule for "assets this actor may see" (lists, search, selections): reviewers and
 * admins all; designers their own plus those on a board shared with their team; roles without
 * assets.view (finance) none. The asset page and blobs apply the same rule row by row
 * (lib/assets/access.ts, lib/storage/blob-access.ts).
 */
export function visibleAssetsCondition(ctx: Ctx, cols: AssetColumns = ASSET_COLUMNS): SQL {
  if (!can(ctx.actor.role, "assets.view")) return sql`false`;
  if (seesAllAssets(ctx)) return sql`true`;
  return or(eq(cols.ownerId, ctx.actor.id), sharedWithActorCondition(ctx, cols.id))!;
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
