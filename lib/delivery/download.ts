import type { Readable } from "node:stream";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { assetVersions, generations, type Asset, type AssetVersion } from "@/db/schema";
import { loadVisibleAsset } from "@/lib/assets/access";
import { assetTitle } from "@/lib/assets/title";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { etagMatches } from "@/lib/storage/http";
import type { BlobObject, BlobStore } from "@/lib/storage/types";
import {
  DEFAULT_QUALITY,
  DOWNLOAD_FORMATS,
  isLossy,
  ORIGINAL_FORMAT_LABEL,
  type DownloadFormat,
  type OriginalFormat,
} from "./download-formats";
import { FORMAT_INFO } from "./render";
import { openRendition } from "./rendition-cache";

/**
 * A version's stored bytes never change (an edit adds a version), so a browser may keep them.
 * "private": they sit behind sign-in, so shared caches must not.
 */
export const ORIGINAL_CACHE_CONTROL = "private, max-age=31536000, immutable";
/**
 * A converted download's bytes are immutable too, but its URL (version × format × quality) is not
 * bound to one file: the XMP it carries follows the asset (title, confirmed alt text, rights), so
 * the browser revalidates with the rendition's sha256 as ETag and gets a 304 while nothing changed.
 */
export const RENDITION_CACHE_CONTROL = "private, no-cache";

const VERSION = /^(current|[1-9][0-9]{0,5})$/;

export const downloadInput = z
  .object({
    assetId: z.string(),
    version: z.string().regex(VERSION, "Version must be a version number (1, 2, …) or “current”."),
    format: z
      .enum(DOWNLOAD_FORMATS, { error: `Format must be one of: ${DOWNLOAD_FORMATS.join(", ")}.` })
      .default("original"),
    quality: z.coerce
      .number({ error: "Quality must be a whole number from 1 to 100." })
      .int("Quality must be a whole number from 1 to 100.")
      .min(1, "Quality must be a whole number from 1 to 100.")
      .max(100, "Quality must be a whole number from 1 to 100.")
      .optional(),
  })
  .refine((i) => i.quality === undefined || isLossy(i.format), {
    message: "Quality applies to JPEG, WebP and AVIF only; PNG and the original are lossless.",
    path: ["quality"],
  });
export type DownloadInput = z.input<typeof downloadInput>;

export type DownloadFile = {
  notModified: false;
  fileName: { ascii: string; unicode: string };
  contentType: string;
  bytes: number;
  etag: string;
  cacheControl: string;
  body: Readable;
  versionNumber: number;
  format: DownloadFormat;
};
export type NotModified = { notModified: true; etag: string; cacheControl: string };

/**
 * One version of an asset as a file: "original" is the version's stored bytes exactly as kept
 * (already stripped of location, device and editing metadata at ingest; no XMP is added, so it
 * stays byte-identical to what was generated, uploaded or edited); PNG, JPEG, WebP and AVIF are
 * the full-size rendition (lib/delivery/rendition-cache.ts: made once per input hash, carrying
 * only the chosen XMP). Any asset the actor may see, approved or not: this is internal work,
 * not publishing (exports are). Audited once per file sent; a 304 sends nothing and writes nothing.
 */
export async function resolveDownload({
  ctx,
  store,
  input,
  ifNoneMatch = null,
}: {
  ctx: Ctx;
  store: BlobStore;
  /** { assetId, version: "2" | "current", format?, quality? } as the route received them; parsed here. */
  input: unknown;
  ifNoneMatch?: string | null;
}): Promise<DownloadFile | NotModified> {
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not include assets.");
  const { assetId, version: asked, format, quality: askedQuality } = parseInput(downloadInput, input);
  const asset = await loadVisibleAsset(ctx, assetId);
  const version = await loadVersion(ctx, asset, asked);
  const title = await displayTitle(ctx, asset);
  const quality = isLossy(format) ? (askedQuality ?? DEFAULT_QUALITY[format]) : null;

  let blob: BlobObject;
  let etag: string;
  let ext: string;
  let sha256: string | null = null;
  if (format === "original") {
    blob = await requireBlob(store, version.blobKey, version.number);
    etag = blob.etag;
    ext = originalExtension(blob.contentType, version.blobKey);
  } else {
    const deps = { db: ctx.db, store };
    const req = { asset, version, size: null, format, quality: quality ?? 100 };
    const opened = await openRendition(deps, req);
    if (!opened)
      throw new AppError(
        "unavailable",
        `The ${format.toUpperCase()} file of version ${version.number} could not be stored. Try again.`,
      );
    blob = opened.blob;
    sha256 = opened.row.sha256;
    etag = `"${opened.row.sha256}"`;
    ext = FORMAT_INFO[format].ext;
  }
  const cacheControl = format === "original" ? ORIGINAL_CACHE_CONTROL : RENDITION_CACHE_CONTROL;
  if (etagMatches(ifNoneMatch, etag)) {
    blob.body.destroy(); // release the file descriptor or download we will not read
    return { notModified: true, etag, cacheControl };
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
        format,
        ...(quality !== null ? { quality } : {}),
        bytes: blob.size,
        ...(sha256 ? { sha256 } : {}),
      },
      ip: ctx.ip,
    },
  });
  return {
    notModified: false,
    fileName: downloadFileName(title, version.number, ext),
    contentType: blob.contentType,
    bytes: blob.size,
    etag,
    cacheControl,
    body: blob.body,
    versionNumber: version.number,
    format,
  };
}

async function loadVersion(ctx: Ctx, asset: Asset, asked: string): Promise<AssetVersion> {
  const where =
    asked === "current"
      ? asset.currentVersionId
        ? eq(assetVersions.id, asset.currentVersionId)
        : eq(assetVersions.assetId, asset.id)
      : and(eq(assetVersions.assetId, asset.id), eq(assetVersions.number, Number(asked)));
  const [version] = await ctx.db.select().from(assetVersions).where(where).orderBy(desc(assetVersions.number)).limit(1);
  if (!version || version.assetId !== asset.id) {
    throw new AppError(
      "not_found",
      asked === "current" ? "This asset has no image yet." : `This asset has no version ${asked}.`,
    );
  }
  return version;
}

/** The name people know the asset by (falls back to "Row 3, variant 1" like everywhere else). */
async function displayTitle(ctx: Ctx, asset: Asset): Promise<string> {
  if (asset.title.trim() || !asset.generationId) return assetTitle({ title: asset.title });
  const [gen] = await ctx.db
    .select({ line: generations.rowLine, variant: generations.variantIndex })
    .from(generations)
    .where(eq(generations.id, asset.generationId));
  return assetTitle({ title: asset.title, line: gen?.line ?? null, variant: gen?.variant ?? null });
}

async function requireBlob(store: BlobStore, key: string, number: number): Promise<BlobObject> {
  const blob = await store.get(key);
  if (!blob) throw new AppError("not_found", `The image of version ${number} is missing from storage.`);
  return blob;
}

const ORIGINAL_BY_TYPE: Record<string, OriginalFormat> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/gif": "gif",
};
const EXT: Record<OriginalFormat, string> = { png: "png", jpeg: "jpg", webp: "webp", avif: "avif", gif: "gif" };

/** A stored version's format, from its key's extension (every writer names the file by its format). */
export function originalFormatOfKey(key: string): OriginalFormat | null {
  const ext = key.split(".").pop()?.toLowerCase();
  if (ext === "jpg" || ext === "jpeg") return "jpeg";
  return ext === "png" || ext === "webp" || ext === "avif" || ext === "gif" ? ext : null;
}

function originalExtension(contentType: string, key: string): string {
  const format = ORIGINAL_BY_TYPE[contentType.split(";")[0]!.trim().toLowerCase()] ?? originalFormatOfKey(key);
  return format ? EXT[format] : "bin";
}

const IMAGE_SUFFIX = /\.(png|jpe?g|webp|avif|gif|heic|tiff?)$/i;
const MAX_SLUG = 80;
/** Letters NFKD does not take apart into a base letter and a mark. */
const LATIN_EXTRA: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ł: "l",
  þ: "th",
  ð: "d",
  ı: "i",
};

function slug(text: string, ascii: boolean): string {
  let s = text.replace(IMAGE_SUFFIX, "").normalize(ascii ? "NFKD" : "NFKC");
  s = s.toLowerCase();
  if (ascii) s = s.replace(/\p{M}/gu, "").replace(/[ßæœøđłþðı]/g, (c) => LATIN_EXTRA[c]!);
  s = s.replace(ascii ? /[^a-z0-9]+/g : /[^\p{L}\p{N}]+/gu, "-");
  return [...s.replace(/^-+|-+$/g, "")].slice(0, MAX_SLUG).join("").replace(/-+$/, "");
}

/**
 * "trail-shoe-kln-0042-v2.webp": the title as a slug, the version and the extension. `ascii` is
 * for Content-Disposition's filename=, `unicode` for filename*= (RFC 6266, RFC 8187) when the
 * title has letters outside ASCII ("Schuh-grün" stays readable, "靴" does not become empty).
 */
export function downloadFileName(
  title: string,
  versionNumber: number,
  ext: string,
): { ascii: string; unicode: string } {
  const tail = `-v${versionNumber}.${ext}`;
  return {
    ascii: `${slug(title, true) || "kiln-asset"}${tail}`,
    unicode: `${slug(title, false) || "kiln-asset"}${tail}`,
  };
}

/** RFC 8187 value-chars: attr-char is ALPHA / DIGIT / "!#$&+-.^_`|~"; encodeURIComponent leaves a few more. */
const rfc8187 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(name: { ascii: string; unicode: string }): string {
  const base = `attachment; filename="${name.ascii}"`;
  return name.unicode === name.ascii ? base : `${base}; filename*=UTF-8''${rfc8187(name.unicode)}`;
}

export type DownloadChoices = {
  assetId: string;
  title: string;
  versions: {
    number: number;
    current: boolean;
    width: number;
    height: number;
    original: OriginalFormat | null;
    originalLabel: string;
  }[];
};

/** What the Download menu offers for one asset: its versions (newest first) and each one's stored format. */
export async function downloadChoices({ ctx, assetId }: { ctx: Ctx; assetId: string }): Promise<DownloadChoices> {
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not include assets.");
  const asset = await loadVisibleAsset(ctx, assetId);
  const versions = await ctx.db
    .select({
      id: assetVersions.id,
      number: assetVersions.number,
      width: assetVersions.width,
      height: assetVersions.height,
      blobKey: assetVersions.blobKey,
    })
    .from(assetVersions)
    .where(eq(assetVersions.assetId, asset.id))
    .orderBy(desc(assetVersions.number));
  const currentId = asset.currentVersionId ?? versions[0]?.id;
  return {
    assetId: asset.id,
    title: await displayTitle(ctx, asset),
    versions: versions.map((v) => {
      const original = originalFormatOfKey(v.blobKey);
      return {
        number: v.number,
        current: v.id === currentId,
        width: v.width,
        height: v.height,
        original,
        originalLabel: original ? ORIGINAL_FORMAT_LABEL[original] : "as stored",
      };
    }),
  };
}
