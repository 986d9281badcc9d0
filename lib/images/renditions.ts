import sharp, { type Sharp } from "sharp";
import type { Rendition } from "@/db/schema";
import type { BlobStore } from "@/lib/storage/types";
import { stripPngChunks } from "./png-strip";

/** Sizes every listing and preview uses; WebP keeps them small. */
export const RENDITION_SPECS = { thumb: 320, preview: 1280 } as const;
export type RenditionName = keyof typeof RENDITION_SPECS;

/**
 * WebP's encoder effort (0–6, sharp's default 4) for every rendition. Measured on the simulator's
 * 512² outputs and photographs (docs/decisions/0030-rendition-encoding.md): effort 2 halves the
 * encoding CPU (a 512² preview 47 → 25 ms) for files ~6 % larger and 0.35 dB less PSNR at the same
 * quality; renditions are made for every image on the generation path, so the CPU is what counts.
 */
export const RENDITION_WEBP = { quality: 82, effort: 2 } as const;

type RawImage = { data: Buffer; info: { width: number; height: number; channels: 1 | 2 | 3 | 4 } };

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
  return storeRendition(store, prefix, name, await decodeAtMost(sharp(source, { animated: false }).rotate(), name));
}

/**
 * The thumbnail and the preview of one image from a single decode: the source is decoded once at
 * preview size (EXIF orientation honoured, 8-bit sRGB) and the thumbnail is scaled from those
 * pixels. Making them one at a time from the source decoded it twice.
 */
export async function writeRenditions({
  store,
  source,
  prefix,
}: {
  store: BlobStore;
  source: Buffer;
  prefix: string;
}): Promise<Record<RenditionName, Rendition>> {
  const preview = await decodeAtMost(sharp(source, { animated: false }).rotate(), "preview");
  const thumb = await decodeAtMost(sharp(preview.data, { raw: preview.info }), "thumb");
  return {
    thumb: await storeRendition(store, prefix, "thumb", thumb),
    preview: await storeRendition(store, prefix, "preview", preview),
  };
}

/** The image scaled to fit the rendition's box (never enlarged), as 8-bit sRGB pixels. */
async function decodeAtMost(image: Sharp, name: RenditionName): Promise<RawImage> {
  const size = RENDITION_SPECS[name];
  const { data, info } = await image
    .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

async function storeRendition(
  store: BlobStore,
  prefix: string,
  name: RenditionName,
  image: RawImage,
): Promise<Rendition> {
  const data = await sharp(image.data, { raw: image.info }).webp(RENDITION_WEBP).toBuffer();
  const key = `${prefix}/${name}-${RENDITION_SPECS[name]}.webp`;
  await store.put(key, data, { contentType: "image/webp" });
  const { width, height } = image.info;
  return { key, width, height, bytes: data.length, contentType: "image/webp", hasAlpha: anyTransparent(image) };
}

/** Whether any pixel of 8-bit pixels with an alpha channel is not fully opaque. */
function anyTransparent({ data, info }: RawImage): boolean {
  if (info.channels !== 2 && info.channels !== 4) return false;
  for (let i = info.channels - 1; i < data.length; i += info.channels) if (data[i]! < 255) return true;
  return false;
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
