import sharp from "sharp";
import { AppError } from "@/lib/errors";

export const ACCEPTED_FORMATS = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif", gif: "image/gif" } as const;
const MAX_SIDE = 16_384;

export type InspectedImage = { format: keyof typeof ACCEPTED_FORMATS; contentType: string; width: number; height: number };

/**
 * Decides what an upload really is from its bytes, never from its name or declared type.
 * Anything sharp cannot decode, or an unsupported format, is refused with a clear reason.
 */
export async function inspectImage(bytes: Buffer, maxBytes: number): Promise<InspectedImage> {
  if (bytes.length === 0) throw new AppError("invalid_input", "The file is empty.");
  if (bytes.length > maxBytes) {
    throw new AppError("payload_too_large", `The file is ${formatMb(bytes.length)}; the limit is ${formatMb(maxBytes)}.`);
  }
  const meta = await sharp(bytes, { limitInputPixels: MAX_SIDE * MAX_SIDE })
    .metadata()
    .catch(() => null);
  if (!meta) throw new AppError("unsupported_media_type", "That file is not an image Kiln can read. Upload a JPEG, PNG, WebP, AVIF or GIF.");
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
    throw new AppError("invalid_input", `Images must be between 1 and ${MAX_SIDE} pixels on each side; this one is ${width}×${height}.`);
  }
  const key = format as keyof typeof ACCEPTED_FORMATS;
  return { format: key, contentType: ACCEPTED_FORMATS[key], width, height };
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
