import { and, asc, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import type { Db } from "@/db";
import { assets, assetVersions, collectionAssets, collections, shareLinks, type ShareLink } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { publishProblems } from "@/lib/delivery/eligibility";
import { readAll, stripMetadata } from "@/lib/images/renditions";
import { stripUploadedImage, type UploadFormat } from "@/lib/images/strip-upload";
import type { BlobStore } from "@/lib/storage";

export type SharedAsset = { id: string; title: string; altText: string; width: number; height: number };
export type SharedContent = { title: string; kind: "asset" | "collection"; assets: SharedAsset[]; allowDownload: boolean; expiresAt: string };

const MAX_SHARED = 500;

/**
 * What a link shows: its asset, or its collection's assets, that may be published now
 * (publishProblems: approved, alt text confirmed, rights not expired). Everything else is left
 * out silently — the visitor learns nothing about it.
 */
export async function sharedContent(db: Db, link: ShareLink, now = new Date()): Promise<SharedContent> {
  const base = db
    .select({
      id: assets.id,
      title: assets.title,
      status: assets.status,
      tier: assets.tier,
      altText: assets.altText,
      altTextStatus: assets.altTextStatus,
      rightsExpiresAt: assets.rightsExpiresAt,
      width: assetVersions.width,
      height: assetVersions.height,
    })
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId));
  let title: string;
  let rows;
  if (link.assetId) {
    rows = await base.where(eq(assets.id, link.assetId));
    title = rows[0]?.title || "Shared image";
  } else {
    const [c] = await db.select({ name: collections.name }).from(collections).where(eq(collections.id, link.collectionId!));
    title = c?.name ?? "Shared collection";
    rows = await db
      .select({
        id: assets.id,
        title: assets.title,
        status: assets.status,
        tier: assets.tier,
        altText: assets.altText,
        altTextStatus: assets.altTextStatus,
        rightsExpiresAt: assets.rightsExpiresAt,
        width: assetVersions.width,
        height: assetVersions.height,
      })
      .from(collectionAssets)
      .innerJoin(assets, eq(assets.id, collectionAssets.assetId))
      .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
      .where(eq(collectionAssets.collectionId, link.collectionId!))
      .orderBy(asc(collectionAssets.createdAt), asc(assets.id))
      .limit(MAX_SHARED);
  }
  const publishable = rows.filter((r) => publishProblems(r, now).length === 0);
  return {
    title: link.label || title,
    kind: link.assetId ? "asset" : "collection",
    assets: publishable.map((r) => ({ id: r.id, title: r.title || "Untitled", altText: r.altText ?? "", width: r.width, height: r.height })),
    allowDownload: link.allowDownload,
    expiresAt: link.expiresAt.toISOString(),
  };
}

/** One asset of the link, if it belongs to it and may be published now; with its current version. */
async function sharedVersion(db: Db, link: ShareLink, assetId: string, now = new Date()) {
  if (!/^[0-9a-f-]{36}$/i.test(assetId)) return null;
  if (link.assetId && link.assetId !== assetId) return null;
  if (link.collectionId) {
    const [member] = await db
      .select({ id: collectionAssets.assetId })
      .from(collectionAssets)
      .where(and(eq(collectionAssets.collectionId, link.collectionId), eq(collectionAssets.assetId, assetId)));
    if (!member) return null;
  }
  const [row] = await db
    .select({ asset: assets, version: assetVersions })
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
    .where(eq(assets.id, assetId));
  if (!row || publishProblems(row.asset, now).length) return null;
  return row;
}

/** Counts and audits one view of the link's page (share_link.viewed). */
export async function recordShareView(db: Db, link: ShareLink, ip: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(shareLinks)
      .set({ viewCount: sql`${shareLinks.viewCount} + 1`, lastViewedAt: new Date() })
      .where(eq(shareLinks.id, link.id));
    await recordAudit({ db: tx, input: { actor: null, action: "share_link.viewed", subject: { type: "share_link", id: link.id }, data: { linkId: link.id }, ip } });
  });
}

const NOT_VALID = () => new Response("This link is not valid.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** An image of the link (thumb or preview rendition; the original when none was made), re-checked on every request. */
export async function shareImageResponse({
  db,
  store,
  link,
  assetId,
  size,
}: {
  db: Db;
  store: BlobStore;
  link: ShareLink;
  assetId: string;
  size: string | null;
}): Promise<Response> {
  const row = await sharedVersion(db, link, assetId);
  if (!row) return NOT_VALID();
  const rendition = row.version.renditions[size === "thumb" ? "thumb" : "preview"];
  const blob = await store.get(rendition?.key ?? row.version.blobKey);
  if (!blob) return NOT_VALID();
  const data = await readAll(blob.body);
  // The original is served only without its metadata; renditions never carry any.
  const body = rendition ? data : (await stripMetadata(data)).data;
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { "Content-Type": rendition ? blob.contentType : "image/png", "Cache-Control": "private, no-store", "Content-Length": String(body.length) },
  });
}

const EXTENSIONS: Record<UploadFormat, string> = { jpeg: "jpg", png: "png", webp: "webp", avif: "avif", gif: "gif" };

/**
 * The current (approved) version's bytes in their own format, without location, device or editing
 * metadata (the colour profile stays), as an attachment; audited as share_link.downloaded.
 */
export async function shareDownloadResponse({
  db,
  store,
  link,
  assetId,
  ip,
}: {
  db: Db;
  store: BlobStore;
  link: ShareLink;
  assetId: string;
  ip: string | null;
}): Promise<Response> {
  if (!link.allowDownload) return NOT_VALID();
  const row = await sharedVersion(db, link, assetId);
  if (!row) return NOT_VALID();
  const blob = await store.get(row.version.blobKey);
  if (!blob) return NOT_VALID();
  const original = await readAll(blob.body);
  const meta = await sharp(original).metadata();
  const format = meta.format as string | undefined;
  let data: Buffer;
  let ext: string;
  if (format && format in EXTENSIONS) {
    data = (await stripUploadedImage(original, { format: format as UploadFormat, meta, maxPixels: 268_402_689 })).data;
    ext = EXTENSIONS[format as UploadFormat];
  } else {
    data = (await stripMetadata(original)).data;
    ext = "png";
  }
  await recordAudit({
    db,
    input: { actor: null, action: "share_link.downloaded", subject: { type: "share_link", id: link.id }, data: { linkId: link.id, assetId, versionId: row.version.id }, ip },
  });
  const name = `${(row.asset.title || "kiln-asset").replace(/[^A-Za-z0-9 ._-]+/g, "").trim().replace(/\s+/g, "-").slice(0, 80) || "kiln-asset"}.${ext}`;
  return new Response(new Uint8Array(data), {
    status: 200,
    headers: {
      "Content-Type": ext === "jpg" ? "image/jpeg" : `image/${ext}`,
      "Content-Disposition": `attachment; filename="${name}"`,
      "Content-Length": String(data.length),
      "Cache-Control": "private, no-store",
    },
  });
}
