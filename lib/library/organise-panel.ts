import { desc, eq } from "drizzle-orm";
import { tags } from "@/db/schema";
import { loadVisibleAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { collectionsForPicker } from "@/lib/collections";
import { tagsOfAsset } from "@/lib/tags";
import { starredAmong } from "./stars";

/**
 * What the asset page's organise panel shows: the asset's tags (editable by whoever may act on the
 * asset), the curated tags to suggest, the actor's boards with whether the asset is on each, and
 * the actor's star.
 */
export async function getOrganisePanel({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadVisibleAsset(ctx, assetId);
  const canTag = can(ctx.actor.role, "tags.apply") && seesAssetOwnedBy(ctx, asset.ownerId);
  const canCollect = can(ctx.actor.role, "collections.use");
  const [assetTags, curated, boards, starred] = await Promise.all([
    tagsOfAsset(ctx.db, asset.id),
    canTag
      ? ctx.db
          .select({ name: tags.name })
          .from(tags)
          .where(eq(tags.curated, true))
          .orderBy(desc(tags.createdAt))
          .limit(30)
      : [],
    canCollect ? collectionsForPicker({ ctx, assetId: asset.id }) : [],
    starredAmong(ctx, [asset.id]),
  ]);
  return {
    assetId: asset.id,
    tags: assetTags,
    canTag,
    curated: curated.map((t) => t.name).sort(),
    canCollect,
    collections: boards,
    starred: starred.has(asset.id),
  };
}

export type OrganisePanelData = Awaited<ReturnType<typeof getOrganisePanel>>;
