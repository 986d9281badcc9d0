import sharp, { type Metadata } from "sharp";
import { AppError } from "@/lib/errors";

export const ACCEPTED_FORMATS = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
} as const;
const MAX_SIDE = 16_384;

export type InspectedImage = {
  format: keyof typeof ACCEPTED_FORMATS;
  contentType: string;
  width: number;
  height: number;
  meta: Metadata;
};

/**
 * Decides what an upload really is from its bytes, never from its name or declared type.
 * Anything sharp cannot decode, or an unsupported format, is refused with a clear reason.
 */
export async function inspectImage(bytes: Buffer, maxBytes: number, maxPixels: number): Promise<InspectedImage> {
  if (bytes.length === 0) throw new AppError("invalid_input", "The file is empty.");
  if (bytes.length > maxBytes) {
    throw new AppError(
      "payload_too_large",
      `The file is ${formatMb(bytes.length)}; the limit is ${formatMb(maxBytes)}.`,
    );
  }
  // metadata() reads the header only, so no pixel limit here: the size is judged below, by us,
  // before anything decodes the pixels (a small file can claim gigabytes of them).
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!meta)
    throw new AppError(
      "unsupported_media_type",
      "That file is not an image Kiln can read. Upload a JPEG, PNG, WebP, AVIF or GIF.",
    );
  const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) * Math.max(1, meta.pages ?? 1);
  if (pixels > maxPixels) {
    throw new AppError(
      "payload_too_large",
      `This image is ${meta.width}×${meta.height} pixels; Kiln accepts at most ${formatMegapixels(maxPixels)} megapixels. Scale it down and upload it again.`,
    );
  }
  const format = meta.format === "heif" && meta.compression === "av1" ? "avif" : meta.format;
  if (!format || !(format in ACCEPTED_FORMATS)) {
    throw new AppError(
      "unsupported_media_type",
      `${String(meta.format ?? "This").toUpperCase()} images are not supported. Upload a JPEG, PNG, WebP, AVIF or GIF.`,
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new AppError(
      "invalid_input",
      `Images must be between 1 and ${MAX_SIDE} pixels on each side; this one is ${width}×${height}.`,
    );
  }
  const key = format as keyof typeof ACCEPTED_FORMATS;
  return { format: key, contentType: ACCEPTED_FORMATS[key], width, height, meta };
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatMegapixels(pixels: number): string {
  return String(Math.round((pixels / 1_000_000) * 10) / 10);
}
