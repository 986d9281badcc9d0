import sharp from "sharp";
import { AppError } from "@/lib/errors";

/** Largest source image an engine decodes (the same cap as the checks). */
export const MAX_ENGINE_INPUT_PIXELS = 40_000_000;

export type DecodedImage = { rgb: Uint8Array; alpha?: Uint8Array; width: number; height: number };

/** A fresh, unshared copy (so it can be moved into a worker thread). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** The error for bytes that are not an image the engines read. */
function unreadable(what: string, cause?: unknown): AppError {
  return new AppError(
    "unsupported_media_type",
    `The ${what} could not be read as an image (PNG, JPEG or WebP).`,
    cause === undefined ? undefined : { cause },
  );
}

/** The image's size as decoded (EXIF orientation applied), from its header alone. */
export async function imageSize(bytes: Buffer, what = "image"): Promise<{ width: number; height: number }> {
  const meta = await sharp(bytes, { limitInputPixels: MAX_ENGINE_INPUT_PIXELS })
    .metadata()
    .catch((error: unknown) => {
      throw unreadable(what, error);
    });
  if (!meta.autoOrient?.width || !meta.autoOrient?.height) throw unreadable(what);
  return meta.autoOrient;
}

/**
 * The image as the engines take it: EXIF orientation applied, sRGB, 8-bit RGB bytes plus the alpha
 * channel when there is one. sharp decodes on libuv's threads, off the JS thread.
 */
export async function decodeImage(bytes: Buffer, what = "image"): Promise<DecodedImage> {
  try {
    const input = () =>
      sharp(bytes, { animated: false, limitInputPixels: MAX_ENGINE_INPUT_PIXELS, failOn: "error" })
        .autoOrient()
        .toColourspace("srgb");
    const { hasAlpha } = await input().metadata();
    const [colour, alpha] = await Promise.all([
      input().removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true }),
      hasAlpha ? input().ensureAlpha().extractChannel(3).raw({ depth: "uchar" }).toBuffer() : undefined,
    ]);
    return { rgb: colour.data, alpha, width: colour.info.width, height: colour.info.height };
  } catch (error) {
    if (/pixel limit/i.test(String(error)))
      throw new AppError(
        "payload_too_large",
        `The ${what} is larger than ${MAX_ENGINE_INPUT_PIXELS / 1e6} megapixels.`,
      );
    throw unreadable(what, error);
  }
}

/**
 * The engines' results are intermediate (the edit step strips and stores them, renditions follow),
 * so a light zlib level: encoding at the default level cost as much as the Telea inpaint itself.
 */
const RESULT_PNG = { compressionLevel: 1, adaptiveFiltering: false } as const;

/** RGB (+ optional alpha) bytes → PNG. */
export async function encodePng(rgb: Uint8Array, width: number, height: number, alpha?: Uint8Array): Promise<Buffer> {
  const base = sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } });
  if (!alpha) return base.png(RESULT_PNG).toBuffer();
  const a = await sharp(Buffer.from(alpha.buffer, alpha.byteOffset, alpha.byteLength), {
    raw: { width, height, channels: 1 },
  })
    .png()
    .toBuffer();
  return base.joinChannel(a).png(RESULT_PNG).toBuffer();
}
