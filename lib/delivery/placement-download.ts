import type { Readable } from "node:stream";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { assetVersions, DELIVERY_FORMATS, placements, type DeliveryFormat } from "@/db/schema";
import { loadVisibleAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { etagMatches } from "@/lib/storage/http";
import type { BlobStore } from "@/lib/storage/types";
import { downloadFileName, RENDITION_CACHE_CONTROL } from "./download";
import { publishProblems } from "./eligibility";
import { FORMAT_INFO } from "./render";
import { openRendition } from "./rendition-cache";

const QUALITY = "Quality must be a whole number from 1 to 100.";

export const placementDownloadInput = z
  .object({
    assetId: z.string(),
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, "A placement is named by its slug, e.g. meta-feed-square."),
    format: z.enum(DELIVERY_FORMATS, { error: `Format must be one of: ${DELIVERY_FORMATS.join(", ")}.` }).optional(),
    quality: z.coerce.number({ error: QUALITY }).int(QUALITY).min(1, QUALITY).max(100, QUALITY).optional(),
  })
  .refine((i) => i.quality === undefined || i.format === undefined || FORMAT_INFO[i.format].lossy, {
    message: "Quality applies to JPEG, WebP and AVIF only; PNG is lossless.",
    path: ["quality"],
  });

export type PlacementFile = {
  notModified: false;
  fileName: { ascii: string; unicode: string };
  contentType: string;
  bytes: number;
  etag: string;
  cacheControl: string;
  body: Readable;
  format: DeliveryFormat;
  width: number;
  height: number;
};
export type PlacementNotModified = { notModified: true; etag: string; cacheControl: string };

/**
 * One placement's rendition of an asset's current version (cropped around the focal point — the
 * designer's, or the attention point the asset page shows — then resized), for publishing: so,
 * unlike a plain download, only while the asset may be published (approved, alt text confirmed
 * by a person, rights not expired; lib/delivery/eligibility.ts) — otherwise policy_blocked with
 * every reason. The same rendition cache as exports, so a file made once is served again.
 * Audited as asset.downloaded, like the console's downloads; a 304 sends nothing and writes nothing.
 */
export async function resolvePlacementDownload({
  ctx,
  store,
  input,
  ifNoneMatch = null,
  now = new Date(),
}: {
  ctx: Ctx;
  store: BlobStore;
  /** { assetId, slug, format?, quality? } as the route received them; parsed here. */
  input: unknown;
  ifNoneMatch?: string | null;
  now?: Date;
}): Promise<PlacementFile | PlacementNotModified> {
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not include assets.");
  const parsed = parseInput(placementDownloadInput, input);
  const asset = await loadVisibleAsset(ctx, parsed.assetId);
  const [placement] = await ctx.db
    .select()
    .from(placements)
    .where(and(eq(placements.slug, parsed.slug), isNull(placements.archivedAt)))
    .limit(1);
  if (!placement) throw new AppError("not_found", `There is no active placement “${parsed.slug}”.`);

  const problems = publishProblems(asset, now);
  if (!asset.currentVersionId) problems.push("no stored image");
  if (problems.length)
    throw new AppError("policy_blocked", `This asset may not be published yet: ${problems.join("; ")}.`);
  const [version] = await ctx.db
    .select()
    .from(assetVersions)
    .where(eq(assetVersions.id, asset.currentVersionId!))
    .limit(1);
  if (!version) throw new AppError("not_found", "This asset has no image yet.");

  const format = parsed.format ?? placement.defaultFormat;
  if (parsed.quality !== undefined && !FORMAT_INFO[format].lossy)
    throw new AppError("invalid_input", "Quality applies to JPEG, WebP and AVIF only; PNG is lossless.", {
      fields: { quality: ["lossless format"] },
    });
  const quality = FORMAT_INFO[format].lossy ? (parsed.quality ?? placement.defaultQuality) : 100;
  const deps = { db: ctx.db, store };
  const req = { asset, version, size: { width: placement.width, height: placement.height }, format, quality };
  const opened = await openRendition(deps, req);
  if (!opened) throw new AppError("unavailable", `The ${placement.name} rendition could not be stored. Try again.`);
  const { row, blob } = opened;
  const etag = `"${row.sha256}"`;
  if (etagMatches(ifNoneMatch, etag)) {
    blob.body.destroy();
    return { notModified: true, etag, cacheControl: RENDITION_CACHE_CONTROL };
  }
  await recordAudit({
    db: ctx.db,
    input: {
      actor: { id: ctx.actor.id, email: ctx.actor.email },
      action: "asset.downloaded",
      subject: { type: "asset", id: asset.id },
      data: {
        version: version.number,
        versionId: version.id,
        placement: placement.slug,
        format,
        ...(FORMAT_INFO[format].lossy ? { quality } : {}),
        bytes: blob.size,
        sha256: row.sha256,
      },
      ip: ctx.ip,
    },
  });
  const title = asset.title.trim() || "kiln-asset";
  const name = downloadFileName(`${title} ${placement.slug}`, version.number, FORMAT_INFO[format].ext);
  return {
    notModified: false,
    fileName: name,
    contentType: blob.contentType,
    bytes: blob.size,
    etag,
    cacheControl: RENDITION_CACHE_CONTROL,
    body: blob.body,
    format,
    width: row.width,
    height: row.height,
  };
}
