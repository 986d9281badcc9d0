import sharp, { type Metadata } from "sharp";
import { AppError } from "@/lib/errors";

/** A painted mask is a small, mostly flat PNG; anything bigger than this is not one. */
export const MAX_MASK_BYTES = 8 * 1024 * 1024;

/** Decodes a base64 PNG (a canvas's data: URL or bare base64). */
export function decodeBase64Image(value: string): Buffer {
  const body = value.startsWith("data:") ? (value.split(",")[1] ?? "") : value;
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body))
    throw new AppError("invalid_input", "The mask is not an image: send it as a base64 PNG.", {
      fields: { mask: ["Not base64."] },
    });
  const bytes = Buffer.from(body, "base64");
  if (bytes.length > MAX_MASK_BYTES) {
    throw new AppError(
      "payload_too_large",
      `The mask is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; masks are limited to ${MAX_MASK_BYTES / 1024 / 1024} MB.`,
    );
  }
  return bytes;
}

/**
 * Checks a painted mask against the image it was painted on and normalises it: a PNG, the image's
 * size (or its aspect ratio, then resized to it), something painted. Returns a greyscale PNG at
 * the image's size, white where the edit acts; transparent pixels count as unpainted.
 */
export async function normaliseMask(bytes: Buffer, image: { width: number; height: number }): Promise<Buffer> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    throw new AppError(
      "invalid_input",
      "The mask is not an image. Paint the area to erase on the canvas and try again.",
      { fields: { mask: ["Not an image."] } },
    );
  }
  if (meta.format !== "png" || !meta.width || !meta.height) {
    throw new AppError("invalid_input", "The mask must be a PNG image.", { fields: { mask: ["Not a PNG."] } });
  }
  const sameSize = meta.width === image.width && meta.height === image.height;
  const sameAspect =
    Math.abs(meta.width / meta.height - image.width / image.height) <= 0.01 * (image.width / image.height);
  if (!sameSize && !sameAspect) {
    throw new AppError(
      "invalid_input",
      `The mask is ${meta.width}×${meta.height} but the image is ${image.width}×${image.height}: paint the mask on this version of the image.`,
      { fields: { mask: ["Wrong size."] } },
    );
  }
  const grey = await sharp(bytes)
    .flatten({ background: "#000000" })
    .resize(image.width, image.height, { fit: "fill" })
    .toColourspace("b-w")
    .extractChannel(0)
    .raw()
    .toBuffer();
  let painted = 0;
  for (let i = 0; i < grey.length; i++) if (grey[i]! >= 128) painted++;
  if (painted === 0)
    throw new AppError("invalid_input", "The mask is empty. Paint the area to erase first.", {
      fields: { mask: ["Nothing painted."] },
    });
  return sharp(grey, { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace("b-w")
    .png()
    .toBuffer();
}
