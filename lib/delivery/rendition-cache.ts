import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import {
  renditionCache,
  type Asset,
  type AssetVersion,
  type DeliveryFormat,
  type RenditionCacheRow,
} from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { readAll } from "@/lib/images/renditions";
import type { BlobObject, BlobStore } from "@/lib/storage/types";
import { addContentCredential } from "./content-credentials";
import { attentionFocal, cropBox, type FocalPoint, type Size } from "./crop";
import { FORMAT_INFO, renderImage } from "./render";
import { buildXmp, DIGITAL_SOURCE_TYPE_COMPOSITE, DIGITAL_SOURCE_TYPE_TRAINED, type XmpFields } from "./xmp";

/** Bump when the pipeline's output changes for the same inputs (encoder settings, metadata layout): old entries stop matching. */
export const RENDER_PIPELINE_VERSION = 2;

export type RenditionAsset = Pick<
  Asset,
  | "id"
  | "title"
  | "source"
  | "approvalId"
  | "altText"
  | "altTextStatus"
  | "focalX"
  | "focalY"
  | "rightsLicence"
  | "rightsChannels"
  | "rightsExpiresAt"
>;
export type RenditionVersion = Pick<AssetVersion, "id" | "blobKey" | "width" | "height" | "operation" | "number">;

export type RenditionRequest = {
  asset: RenditionAsset;
  version: RenditionVersion;
  /** A placement's size (cropped around the focal point to its aspect ratio), or null for the full image. */
  size: Size | null;
  format: DeliveryFormat;
  quality: number;
};

/** What a delivered file says about itself: chosen here, from the asset, never inherited from the source. */
export function renditionMetadata(asset: RenditionAsset, version: RenditionVersion): XmpFields {
  return {
    title: asset.title || "Untitled asset",
    // Only words a person confirmed go out; a draft is the engine's guess.
    altText: asset.altTextStatus === "confirmed" ? asset.altText : null,
    credit: env().KILN_DELIVERY_CREDIT,
    usageTerms: usageTerms(asset),
    assetId: asset.id,
    approvalId: asset.approvalId,
    digitalSourceType:
      asset.source === "generated"
        ? DIGITAL_SOURCE_TYPE_TRAINED
        : version.operation !== "upload" && version.number > 1
          ? DIGITAL_SOURCE_TYPE_COMPOSITE
          : undefined,
  };
}

export function usageTerms(
  a: Pick<RenditionAsset, "rightsLicence" | "rightsChannels" | "rightsExpiresAt">,
): string | null {
  const parts = [
    a.rightsLicence,
    a.rightsChannels?.length ? `Channels: ${a.rightsChannels.join(", ")}` : null,
    a.rightsExpiresAt ? `Expires ${a.rightsExpiresAt.toISOString().slice(0, 10)}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(". ") : null;
}

/**
 * The cache key: a hash of everything the output depends on. The version is immutable (an edit
 * adds a version), so its id stands for its bytes; an unset focal point is the literal
 * "attention", itself a function of those bytes. Metadata is hashed as the packet written.
 */
export function renditionInputHash(req: RenditionRequest, xmp: string): string {
  const focal =
    req.asset.focalX === null || req.asset.focalY === null ? "attention" : [req.asset.focalX, req.asset.focalY];
  const canonical = JSON.stringify({
    p: RENDER_PIPELINE_VERSION,
    v: req.version.id,
    size: req.size ? [req.size.width, req.size.height] : null,
    focal: req.size ? focal : null,
    f: req.format,
    q: FORMAT_INFO[req.format].lossy ? Math.round(req.quality) : null,
    xmp: createHash("sha256").update(xmp).digest("hex"),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

export type RenditionDeps = {
  db: DbExecutor;
  store: BlobStore;
  /** Per job: source bytes and attention points already read, so N placements of one asset decode it once. */
  memo?: { sources: Map<string, Buffer>; focal: Map<string, FocalPoint>; sha: Map<string, string> };
};

/**
 * The rendition for these inputs: from the cache when it was made before (any export, download or
 * link), else rendered, stored under `assets/<asset id>/renditions/<hash>.<ext>` and recorded.
 * Concurrent makers of one key write the same bytes to the same key; the first row wins.
 */
export async function getOrCreateRendition(deps: RenditionDeps, req: RenditionRequest): Promise<RenditionCacheRow> {
  const metadata = renditionMetadata(req.asset, req.version);
  const xmp = buildXmp(metadata);
  const inputHash = renditionInputHash(req, xmp);
  const [hit] = await deps.db
    .update(renditionCache)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(renditionCache.inputHash, inputHash))
    .returning();
  if (hit) return hit;

  const source = await readSource(deps, req.version);
  let crop = null;
  if (req.size) {
    const focal =
      req.asset.focalX !== null && req.asset.focalY !== null
        ? { x: req.asset.focalX, y: req.asset.focalY }
        : await memoFocal(deps, req.version.id, source);
    crop = cropBox({ width: req.version.width, height: req.version.height }, req.size, focal);
  }
  const rendered = await renderImage(source, { crop, size: req.size, format: req.format, quality: req.quality, xmp });
  const credential = await signRendition(deps, req, rendered.data, source, metadata.digitalSourceType);
  rendered.data = credential.data;
  const key = `assets/${req.asset.id}/renditions/${inputHash}.${FORMAT_INFO[req.format].ext}`;
  await deps.store.put(key, rendered.data, { contentType: rendered.contentType });
  const row = {
    inputHash,
    versionId: req.version.id,
    blobKey: key,
    contentType: rendered.contentType,
    width: rendered.width,
    height: rendered.height,
    bytes: rendered.data.length,
    sha256: createHash("sha256").update(rendered.data).digest("hex"),
    contentCredential: credential.signed,
  };
  const [inserted] = await deps.db.insert(renditionCache).values(row).onConflictDoNothing().returning();
  return inserted ?? (await deps.db.select().from(renditionCache).where(eq(renditionCache.inputHash, inputHash)))[0]!;
}

/**
 * The signed C2PA credential goes on last (decision 0021): anything that rewrote the bytes after it
 * would break its hash binding. An image whose making Kiln cannot know (an unedited upload) is not
 * signed: the credential would have to claim a source type.
 */
async function signRendition(
  deps: RenditionDeps,
  req: RenditionRequest,
  data: Buffer,
  source: Buffer,
  digitalSourceType: string | undefined,
) {
  if (!digitalSourceType) return { data, signed: false };
  const result = await addContentCredential(
    {
      data,
      format: req.format,
      title: req.asset.title || "Untitled asset",
      assetId: req.asset.id,
      approvalId: req.asset.approvalId,
      versionId: req.version.id,
      digitalSourceType,
      // A placement is cut from the version: the credential names it and says "cropped, resized".
      ...(req.size
        ? {
            parentIngredient: {
              title: `${req.asset.title || "asset"} v${req.version.number}`,
              sha256: sourceSha256(deps, req.version.id, source),
            },
          }
        : {}),
    },
    { db: deps.db },
  );
  if (!result.signed)
    logger.warn(
      { assetId: req.asset.id, reason: result.reason },
      "delivery: rendition left without a content credential",
    );
  return result;
}

function sourceSha256(deps: RenditionDeps, versionId: string, source: Buffer): string {
  const known = deps.memo?.sha.get(versionId);
  if (known) return known;
  const sha = createHash("sha256").update(source).digest("hex");
  deps.memo?.sha.set(versionId, sha);
  return sha;
}

async function readSource(deps: RenditionDeps, version: RenditionVersion): Promise<Buffer> {
  const cached = deps.memo?.sources.get(version.id);
  if (cached) return cached;
  const blob = await deps.store.get(version.blobKey);
  if (!blob)
    throw new Error(`The image of version ${version.number} is missing from the blob store (${version.blobKey}).`);
  const bytes = await readAll(blob.body);
  deps.memo?.sources.set(version.id, bytes);
  return bytes;
}

async function memoFocal(deps: RenditionDeps, versionId: string, source: Buffer): Promise<FocalPoint> {
  const known = deps.memo?.focal.get(versionId);
  if (known) return known;
  const focal = await attentionFocal(source);
  deps.memo?.focal.set(versionId, focal);
  return focal;
}

/**
 * The rendition and its file, opened for sending. A cache row whose file is gone (a cleared blob
 * folder) is forgotten and the file made again; null only if even that could not be read back.
 */
export async function openRendition(
  deps: RenditionDeps,
  req: RenditionRequest,
): Promise<{ row: RenditionCacheRow; blob: BlobObject } | null> {
  let row = await getOrCreateRendition(deps, req);
  let blob = await deps.store.get(row.blobKey);
  if (!blob) {
    await deps.db.delete(renditionCache).where(eq(renditionCache.inputHash, row.inputHash));
    row = await getOrCreateRendition(deps, req);
    blob = await deps.store.get(row.blobKey);
  }
  return blob ? { row, blob } : null;
}

export function newRenditionMemo(): NonNullable<RenditionDeps["memo"]> {
  return { sources: new Map(), focal: new Map(), sha: new Map() };
}
