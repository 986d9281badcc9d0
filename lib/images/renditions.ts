import sharp from "sharp";
import type { Rendition } from "@/db/schema";
import type { BlobStore } from "@/lib/storage/types";
import { stripPngChunks } from "./png-strip";

/** Sizes every listing and preview uses; WebP keeps them small. */
export const RENDITION_SPECS = { thumb: 320, preview: 1280 } as const;
export type RenditionName = keyof typeof RENDITION_SPECS;

/**
 * Writes one WebP rendition under `<prefix>/<name>-<size>.webp`. Idempotent (fixed key per
 * source and size). sharp drops EXIF and other metadata unless asked to keep it, and works on
 * libuv's thread pool, off the request thread.
 */
export async function writeRendition({
  store,
  source,
  prefix,
  name,
}: {
  store: BlobStore;
  source: Buffer;
  prefix: string;
  name: RenditionName;
}): Promise<Rendition> {
  const size = RENDITION_SPECS[name];
  const { data, info } = await sharp(source, { animated: false })
    .rotate() // honour EXIF orientation before the metadata is dropped
    .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 82 })
    .toBuffer({ resolveWithObject: true });
  const key = `${prefix}/${name}-${size}.webp`;
  await store.put(key, data, { contentType: "image/webp" });
  const hasAlpha = await showsTransparency(data, info.channels);
  return { key, width: info.width, height: info.height, bytes: data.length, contentType: "image/webp", hasAlpha };
}

/**
 * Whether an image has pixels that are not fully opaque: an alpha channel alone is not enough (many
 * PNGs carry one that is 255 everywhere). Run on the small rendition, so the pixel scan is cheap.
 */
export async function showsTransparency(image: Buffer, channels?: number): Promise<boolean> {
  if ((channels ?? (await sharp(image).metadata()).channels) !== 4) return false;
  return !(await sharp(image).stats()).isOpaque;
}

/**
 * The image as PNG without any metadata (EXIF, XMP, ICC text, generator comments). A PNG (what
 * A1111 and the simulator return) loses its metadata chunks byte-wise; anything else is re-encoded.
 */
export async function stripMetadata(image: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const stripped = stripPngChunks(image);
  if (stripped) return stripped;
  // A light zlib level: this runs while the GPU slot is held, and the original is stored once.
  const { data, info } = await sharp(image).png({ compressionLevel: 3 }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
