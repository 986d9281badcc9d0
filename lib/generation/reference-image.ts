import { eq } from "drizzle-orm";
import { assets, assetVersions } from "@/db/schema";
import { seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { referenceUnsupportedMessage, supportsReferenceImage } from "@/lib/providers/reference-image";
import { blobRouteUrl } from "@/lib/storage/keys";

export type ReferenceView = {
  versionId: string;
  strength: number;
  assetId: string;
  title: string;
  thumbUrl: string | null;
  width: number;
  height: number;
};

/**
 * Checks a chosen reference image: an asset version the actor may see, on endpoints that can start
 * from an image. The bytes go to the endpoint from our storage at call time (never a URL it fetches).
 */
export async function resolveReferenceImage(
  ctx: Ctx,
  ref: { versionId: string; strength: number } | undefined,
  endpoints: { kind: string; name: string }[],
): Promise<ReferenceView | null> {
  if (!ref) return null;
  const [row] = await ctx.db
    .select({ version: assetVersions, ownerId: assets.ownerId, title: assets.title, source: assets.source })
    .from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(eq(assetVersions.id, ref.versionId))
    .limit(1);
  if (!row || !seesAssetOwnedBy(ctx, row.ownerId))
    throw new AppError("invalid_input", "That reference image does not exist or is not yours.", {
      fields: { reference: ["Pick another reference image."] },
    });
  const unsupported = endpoints.find((e) => !supportsReferenceImage(e.kind));
  if (unsupported)
    throw new AppError("invalid_input", referenceUnsupportedMessage(unsupported.name), {
      fields: { reference: [referenceUnsupportedMessage(unsupported.name)] },
    });
  const v = row.version;
  return {
    versionId: v.id,
    strength: ref.strength,
    assetId: v.assetId,
    title: row.title,
    thumbUrl: v.renditions.thumb ? blobRouteUrl(v.renditions.thumb.key) : null,
    width: v.width,
    height: v.height,
  };
}
