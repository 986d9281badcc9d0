import { and, count, desc, eq, inArray, or, sql } from "drizzle-orm";
import { assets, assetVersions, collectionAssets, collections, teams, users, type AssetStatus } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { ASSET_COLUMNS, visibleAssetsCondition } from "@/lib/library/visibility";
import { blobRouteUrl } from "@/lib/storage/keys";
import { actorTeamId, assertCanUseCollections, canEditCollection, loadCollection } from "./access";

export type CollectionCard = {
  id: string;
  name: string;
  description: string;
  ownerName: string;
  mine: boolean;
  teamName: string | null;
  assetCount: number;
  covers: string[];
  canEdit: boolean;
  updatedAt: string;
};

export type CollectionAssetTile = {
  id: string;
  title: string;
  status: AssetStatus;
  ownerName: string;
  thumbUrl: string | null;
};

/** The current version's thumbnail (or the original while renditions are being made). */
function thumbOf(v: { blobKey: string; renditions: Record<string, { key: string }> } | null): string | null {
  if (!v) return null;
  return blobRouteUrl(v.renditions.thumb?.key ?? v.blobKey);
}

/** My boards and the boards shared with my team, newest change first, each with up to four cover thumbnails. */
export async function listCollections({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ mine: CollectionCard[]; shared: CollectionCard[]; teamName: string | null }> {
  assertCanUseCollections(ctx);
  const teamId = await actorTeamId(ctx);
  const rows = await ctx.db
    .select({ c: collections, ownerName: users.name, teamName: teams.name })
    .from(collections)
    .innerJoin(users, eq(users.id, collections.ownerId))
    .leftJoin(teams, eq(teams.id, collections.teamId))
    .where(
      teamId
        ? or(eq(collections.ownerId, ctx.actor.id), eq(collections.teamId, teamId))
        : eq(collections.ownerId, ctx.actor.id),
    )
    .orderBy(desc(collections.updatedAt))
    .limit(400);
  const ids = rows.map((r) => r.c.id);
  const visible = and(inArray(collectionAssets.collectionId, ids), visibleAssetsCondition(ctx, ASSET_COLUMNS));
  const [counts, covers, [team]] = await Promise.all([
    ids.length
      ? ctx.db
          .select({ id: collectionAssets.collectionId, n: count() })
          .from(collectionAssets)
          .innerJoin(assets, eq(assets.id, collectionAssets.assetId))
          .where(visible)
          .groupBy(collectionAssets.collectionId)
      : [],
    ids.length
      ? ctx.db
          .select({
            id: sql<string>`cover.collection_id`,
            blobKey: sql<string>`cover.blob_key`,
            renditions: sql<Record<string, { key: string }>>`cover.renditions`,
          })
          .from(
            ctx.db
              .select({
                collection_id: collectionAssets.collectionId,
                blob_key: assetVersions.blobKey,
                renditions: assetVersions.renditions,
                n: sql<number>`row_number() over (partition by ${collectionAssets.collectionId} order by ${collectionAssets.createdAt} desc)`.as(
                  "n",
                ),
              })
              .from(collectionAssets)
              .innerJoin(assets, eq(assets.id, collectionAssets.assetId))
              .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
              .where(visible)
              .as("cover"),
          )
          .where(sql`cover.n <= 4`)
      : [],
    teamId ? ctx.db.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId)) : [],
  ]);
  const countOf = new Map(counts.map((c) => [c.id, Number(c.n)]));
  const coversOf = new Map<string, string[]>();
  for (const c of covers)
    coversOf.set(c.id, [
      ...(coversOf.get(c.id) ?? []),
      thumbOf({ blobKey: c.blobKey, renditions: c.renditions ?? {} })!,
    ]);
  const cards = rows.map((r): CollectionCard => ({
    id: r.c.id,
    name: r.c.name,
    description: r.c.description,
    ownerName: r.ownerName,
    mine: r.c.ownerId === ctx.actor.id,
    teamName: r.teamName,
    assetCount: countOf.get(r.c.id) ?? 0,
    covers: coversOf.get(r.c.id) ?? [],
    canEdit: canEditCollection(ctx, r.c),
    updatedAt: r.c.updatedAt.toISOString(),
  }));
  return { mine: cards.filter((c) => c.mine), shared: cards.filter((c) => !c.mine), teamName: team?.name ?? null };
}

/** How many tiles a board page shows; a board is a hand-picked set, not a search result. */
export const COLLECTION_PAGE_LIMIT = 1000;

/**
 * One board with its assets (those the actor may see: a board's owner may have added assets the
 * viewer cannot see any longer, e.g. after unsharing the board they came from; those are counted, not shown).
 */
export async function getCollection({ ctx, collectionId }: { ctx: Ctx; collectionId: string }) {
  const c = await loadCollection(ctx, collectionId, "see");
  const [[meta], tiles, totals] = await Promise.all([
    ctx.db
      .select({ ownerName: users.name, teamName: teams.name })
      .from(collections)
      .innerJoin(users, eq(users.id, collections.ownerId))
      .leftJoin(teams, eq(teams.id, collections.teamId))
      .where(eq(collections.id, c.id)),
    ctx.db
      .select({
        id: assets.id,
        title: assets.title,
        status: assets.status,
        ownerName: users.name,
        blobKey: assetVersions.blobKey,
        renditions: assetVersions.renditions,
      })
      .from(collectionAssets)
      .innerJoin(assets, eq(assets.id, collectionAssets.assetId))
      .innerJoin(users, eq(users.id, assets.ownerId))
      .leftJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
      .where(and(eq(collectionAssets.collectionId, c.id), visibleAssetsCondition(ctx, ASSET_COLUMNS)))
      .orderBy(desc(collectionAssets.createdAt), assets.id)
      .limit(COLLECTION_PAGE_LIMIT),
    ctx.db.select({ n: count() }).from(collectionAssets).where(eq(collectionAssets.collectionId, c.id)) as Promise<
      { n: number }[]
    >,
  ]);
  const assetsShown: CollectionAssetTile[] = tiles.map((t) => ({
    id: t.id,
    title: t.title || "Untitled asset",
    status: t.status,
    ownerName: t.ownerName,
    thumbUrl: t.blobKey ? thumbOf({ blobKey: t.blobKey, renditions: t.renditions ?? {} }) : null,
  }));
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    shared: c.teamId !== null,
    teamName: meta?.teamName ?? null,
    ownerName: meta?.ownerName ?? "",
    mine: c.ownerId === ctx.actor.id,
    canEdit: canEditCollection(ctx, c),
    assets: assetsShown,
    total: Number(totals[0]?.n ?? 0),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export type CollectionDetail = Awaited<ReturnType<typeof getCollection>>;

/** For the asset page's picker: the boards the actor may change, and whether this asset is on each. */
export async function collectionsForPicker({
  ctx,
  assetId,
}: {
  ctx: Ctx;
  assetId: string;
}): Promise<{ id: string; name: string; shared: boolean; contains: boolean }[]> {
  assertCanUseCollections(ctx);
  const rows = await ctx.db
    .select({
      id: collections.id,
      name: collections.name,
      teamId: collections.teamId,
      contains: sql<boolean>`${collectionAssets.assetId} is not null`,
    })
    .from(collections)
    .leftJoin(
      collectionAssets,
      and(eq(collectionAssets.collectionId, collections.id), eq(collectionAssets.assetId, assetId)),
    )
    .where(eq(collections.ownerId, ctx.actor.id))
    .orderBy(desc(collections.updatedAt))
    .limit(200);
  return rows.map((r) => ({ id: r.id, name: r.name, shared: r.teamId !== null, contains: Boolean(r.contains) }));
}
