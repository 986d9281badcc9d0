import sharp from "sharp";
import type { DeliveryFormat } from "@/db/schema";
import type { CropBox, Size } from "./crop";

export const FORMAT_INFO: Record<DeliveryFormat, { ext: string; contentType: string; lossy: boolean; label: string }> =
  {
    webp: { ext: "webp", contentType: "image/webp", lossy: true, label: "WebP" },
    avif: { ext: "avif", contentType: "image/avif", lossy: true, label: "AVIF" },
    jpeg: { ext: "jpg", contentType: "image/jpeg", lossy: true, label: "JPEG" },
    png: { ext: "png", contentType: "image/png", lossy: false, label: "PNG" },
  };

export type RenderSpec = {
  /** Region of the (auto-oriented) source to keep; null keeps all of it. */
  crop: CropBox | null;
  /** Output size; null keeps the crop's size. The crop already has this size's aspect ratio. */
  size: Size | null;
  format: DeliveryFormat;
  /** 1–100; ignored for PNG (lossless). */
  quality: number;
  /** The XMP packet to write (lib/delivery/xmp.ts); everything else (EXIF, GPS, device, ICC text) is dropped. */
  xmp: string | null;
};

export type RenderedImage = { data: Buffer; width: number; height: number; contentType: string };

/**
 * One rendition: crop, resize, encode, with only the metadata chosen for it. sharp drops every
 * input metadata block unless asked to keep one, so location and device data never survive;
 * `.rotate()` applies an EXIF orientation first so the crop is taken from the image as seen.
 */
export async function renderImage(source: Buffer, spec: RenderSpec): Promise<RenderedImage> {
  let image = sharp(source, { animated: false, limitInputPixels: 268_402_689 }).rotate();
  if (spec.crop) image = image.extract(spec.crop);
  if (spec.size)
    image = image.resize({ width: spec.size.width, height: spec.size.height, fit: "fill", kernel: "lanczos3" });
  const quality = Math.min(100, Math.max(1, Math.round(spec.quality)));
  switch (spec.format) {
    case "webp":
      image = image.webp({ quality });
      break;
    case "avif":
      // effort 3 of 9: near the default's size at about half its time (the export renders hundreds).
      image = image.avif({ quality, effort: 3 });
      break;
    case "jpeg":
      image = image.jpeg({ quality, progressive: true, mozjpeg: false });
      break;
    case "png":
      image = image.png({ compressionLevel: 6 });
      break;
  }
  if (spec.xmp) image = image.withXmp(spec.xmp);
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, contentType: FORMAT_INFO[spec.format].contentType };
}
