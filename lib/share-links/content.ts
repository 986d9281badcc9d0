import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { assets, assetVersions, collectionAssets, collections, shareLinks, type ShareLink } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { contentDisposition, downloadFileName } from "@/lib/delivery/download";
import { publishProblems } from "@/lib/delivery/eligibility";
import { getOrCreateRendition } from "@/lib/delivery/rendition-cache";
import { readAll, stripMetadata } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage";

export type SharedAsset = { id: string; title: string; altText: string; width: number; height: number };
export type SharedContent = {
  title: string;
  kind: "asset" | "collection";
  assets: SharedAsset[];
  allowDownload: boolean;
  expiresAt: string;
};

const MAX_SHARED = 500;

/**
 * What a link shows: its asset, or its collection's assets, that may be published now
 * (publishProblems: approved, alt text confirmed, rights not expired). Everything else is left
 * out silently — the visitor learns nothing about it.
 */
/** What the page needs of each asset, and what publishProblems decides on. */
const SHARED_COLUMNS = {
  id: assets.id,
  title: assets.title,
  status: assets.status,
  tier: assets.tier,
  altText: assets.altText,
  altTextStatus: assets.altTextStatus,
  rightsExpiresAt: assets.rightsExpiresAt,
  width: assetVersions.width,
  height: assetVersions.height,
};

export async function sharedContent(db: Db, link: ShareLink, now = new Date()): Promise<SharedContent> {
  const base = db
    .select(SHARED_COLUMNS)
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId));
  let title: string;
  let rows;
  if (link.assetId) {
    rows = await base.where(eq(assets.id, link.assetId));
    title = rows[0]?.title || "Shared image";
  } else {
    const [c] = await db
      .select({ name: collections.name })
      .from(collections)
      .where(eq(collections.id, link.collectionId!));
    title = c?.name ?? "Shared collection";
    rows = await db
      .select(SHARED_COLUMNS)
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
    assets: publishable.map((r) => ({
      id: r.id,
      title: r.title || "Untitled",
      altText: r.altText ?? "",
      width: r.width,
      height: r.height,
    })),
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
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "share_link.viewed",
        subject: { type: "share_link", id: link.id },
        data: { linkId: link.id },
        ip,
      },
    });
  });
}

const NOT_VALID = () =>
  new Response("This link is not valid.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });

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
    headers: {
      "Content-Type": rendition ? blob.contentType : "image/png",
      "Cache-Control": "private, no-store",
      "Content-Length": String(body.length),
    },
  });
}

/**
 * The current (approved) version at full size as PNG (lossless), from the same rendition path as
 * exports and downloads: no location or device metadata, the chosen XMP (title, confirmed alt text,
 * credit, usage terms, source type) and a signed content credential; as an attachment, audited as
 * share_link.downloaded.
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
  let rendition;
  try {
    rendition = await getOrCreateRendition(
      { db, store },
      { asset: row.asset, version: row.version, size: null, format: "png", quality: 100 },
    );
  } catch {
    return NOT_VALID(); // the stored image is missing: nothing to say to a visitor
  }
  const blob = await store.get(rendition.blobKey);
  if (!blob) return NOT_VALID();
  const data = await readAll(blob.body);
  await recordAudit({
    db,
    input: {
      actor: null,
      action: "share_link.downloaded",
      subject: { type: "share_link", id: link.id },
      data: { linkId: link.id, assetId, versionId: row.version.id },
      ip,
    },
  });
  return new Response(new Uint8Array(data), {
    status: 200,
    headers: {
      "Content-Type": "image/png",
      "Content-Disposition": contentDisposition(downloadFileName(row.asset.title, row.version.number, "png")),
      "Content-Length": String(data.length),
      "Cache-Control": "private, no-store",
    },
  });
}
