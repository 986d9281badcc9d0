import { eq } from "drizzle-orm";
import { assetVersions } from "@/db/schema";
import { loadVisibleAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { attentionFocal, type FocalPoint } from "@/lib/delivery/crop";
import { readAll } from "@/lib/images/renditions";
import { getBlobStore } from "@/lib/storage";
import { logger } from "@/lib/observability/logger";
import { blobRouteUrl } from "@/lib/storage/keys";
import { listActivePlacements } from "./placements";
import type { SafeZone } from "@/db/schema";

export type PreviewPlacement = {
  id: string;
  slug: string;
  name: string;
  channel: string;
  width: number;
  height: number;
  safeZone: SafeZone;
};

export type PlacementsPreview = {
  assetId: string;
  /** The image the browser crops: the current version's preview rendition (or its original when it has none). */
  image: { url: string; width: number; height: number };
  /** The designer's point, or null when the attention strategy decides. */
  focal: FocalPoint | null;
  /** Where the attention strategy would centre the crops (null if the image could not be read). */
  automatic: FocalPoint | null;
  /** May move the point: assets.describe under the owner's rule (a shared board only lets one look). */
  canMove: boolean;
  placements: PreviewPlacement[];
};

/**
 * The asset page's placements panel: every active placement, the image to crop in the browser, and
 * the focal point (the designer's, or the automatic one computed here once per preview rendition).
 */
export async function getPlacementsPreview({
  ctx,
  assetId,
}: {
  ctx: Ctx;
  assetId: string;
}): Promise<PlacementsPreview | null> {
  const asset = await loadVisibleAsset(ctx, assetId);
  if (!asset.currentVersionId) return null;
  const [version] = await ctx.db
    .select()
    .from(assetVersions)
    .where(eq(assetVersions.id, asset.currentVersionId))
    .limit(1);
  if (!version) return null;
  const preview = version.renditions.preview;
  const image = preview
    ? { key: preview.key, width: preview.width, height: preview.height }
    : { key: version.blobKey, width: version.width, height: version.height };
  const [placements, automatic] = await Promise.all([listActivePlacements(ctx.db), automaticFocal(image.key)]);
  return {
    assetId: asset.id,
    image: { url: blobRouteUrl(image.key), width: image.width, height: image.height },
    focal: asset.focalX === null || asset.focalY === null ? null : { x: asset.focalX, y: asset.focalY },
    automatic,
    canMove: can(ctx.actor.role, "assets.describe") && seesAssetOwnedBy(ctx, asset.ownerId),
    placements: placements.map((p) => ({
      id: p.id,
      slug: p.slug,
      name: p.name,
      channel: p.channel,
      width: p.width,
      height: p.height,
      safeZone: p.safeZone,
    })),
  };
}

// Blob keys of versions' renditions never change content (versions are immutable), so the attention
// point of one is computed once per process. Bounded: the oldest entry goes first.
const AUTOMATIC = new Map<string, Promise<FocalPoint | null>>();
const AUTOMATIC_MAX = 500;

async function automaticFocal(key: string): Promise<FocalPoint | null> {
  let pending = AUTOMATIC.get(key);
  if (!pending) {
    pending = (async () => {
      const blob = await getBlobStore().get(key);
      if (!blob) return null;
      const focal = await attentionFocal(await readAll(blob.body));
      return { x: round4(focal.x), y: round4(focal.y) };
    })().catch((error: unknown) => {
      logger.error({ err: error, key }, "placements: attention focal point failed");
      AUTOMATIC.delete(key);
      return null;
    });
    AUTOMATIC.set(key, pending);
    if (AUTOMATIC.size > AUTOMATIC_MAX) AUTOMATIC.delete(AUTOMATIC.keys().next().value!);
  }
  return pending;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
