import sharp, { type Metadata, type OutputInfo } from "sharp";
import type { PreparedImage } from "./types";

/** Largest image the checks accept (pixels). A generated image is a few megapixels; this stops decompression bombs. */
export const MAX_INPUT_PIXELS = 40_000_000;

/**
 * Decodes an image once for every check: its header facts plus a full-resolution 8-bit greyscale
 * copy. EXIF orientation is applied (width and height are as displayed) and transparent pixels are
 * flattened onto white (the colour planes), with the alpha plane kept beside them when any pixel is not
 * fully opaque: the pixel checks judge the opaque part only (a cut-out's transparent area is not
 * a blown-out highlight) and a fully transparent image reads as a blank one. Animated images use their
 * first frame. Throws a plain Error on bytes that are not a supported image or are too large.
 */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new Error("Not an image: the input is empty.");
  const input = sharp(bytes, { animated: false, limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" });
  let meta: Metadata;
  try {
    meta = await input.metadata();
  } catch (error) {
    if (/pixel limit/i.test(messageOf(error)))
      throw new Error(`Image too large: more than ${MAX_INPUT_PIXELS / 1e6} MP.`);
    throw new Error(`Not an image: ${messageOf(error)}`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!meta.format || pixels === 0) throw new Error("Not an image: no format or size could be read.");
  if (pixels > MAX_INPUT_PIXELS) {
    throw new Error(
      `Image too large: ${meta.width}×${meta.height} is ${(pixels / 1e6).toFixed(1)} MP, the limit is ${MAX_INPUT_PIXELS / 1e6} MP.`,
    );
  }
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    const pipeline = input.autoOrient();
    // Decode to 8-bit sRGB (or grey) and take the luma in JS: libvips' greyscale conversion goes
    // through linear light in floating point and costs more than the decode itself.
    decoded = await pipeline
      .toColourspace(meta.channels === 1 || meta.space === "b-w" ? "b-w" : "srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new Error(`Could not decode the ${meta.format} image: ${messageOf(error)}`);
  }
  const { info } = decoded;
  const { colour: data, channels, alpha } = splitAlpha(decoded.data, info.channels, meta.hasAlpha ?? false);
  return {
    bytes,
    width: info.width,
    height: info.height,
    format: meta.format,
    hasAlpha: meta.hasAlpha ?? false,
    ...(alpha ? { alpha } : {}),
    gray: { data: toLuma(data, channels), width: info.width, height: info.height },
    ...(channels === 3
      ? {
          rgb: {
            data: new Uint8Array(data.buffer, data.byteOffset, data.length),
            width: info.width,
            height: info.height,
          },
        }
      : {}),
  };
}

/**
 * Splits a decoded plane with alpha (grey + alpha or RGBA) into its colour flattened onto white and
 * the alpha plane; the alpha is dropped (undefined) when every pixel is fully opaque. Without alpha
 * the data is handed back as it is.
 */
export function splitAlpha(
  data: Buffer,
  channels: number,
  hasAlpha: boolean,
): { colour: Buffer; channels: number; alpha?: Uint8Array } {
  if (!hasAlpha || (channels !== 2 && channels !== 4)) return { colour: data, channels };
  const c = channels - 1;
  const n = (data.length / channels) | 0;
  const colour = Buffer.alloc(n * c);
  const alpha = new Uint8Array(n);
  let opaque = true;
  for (let i = 0, j = 0, o = 0; i < n; i++, j += channels, o += c) {
    const a = data[j + c]!;
    alpha[i] = a;
    if (a === 255) {
      for (let k = 0; k < c; k++) colour[o + k] = data[j + k]!;
    } else {
      opaque = false;
      const white = 255 * (255 - a);
      for (let k = 0; k < c; k++) colour[o + k] = ((data[j + k]! * a + white + 127) / 255) | 0;
    }
  }
  return opaque ? { colour, channels: c } : { colour, channels: c, alpha };
}

/** Rec. 601 luma (0.299 R + 0.587 G + 0.114 B on the encoded values, the JPEG / OpenCV greyscale) in 14-bit fixed point. */
export function toLuma(data: Buffer, channels: number): Uint8Array {
  if (channels === 1) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const n = (data.length / channels) | 0;
  const out = new Uint8Array(n);
  if (channels === 2) {
    for (let i = 0; i < n; i++) out[i] = data[i * 2]!;
    return out;
  }
  let i = 0;
  if (channels === 3 && data.byteOffset % 4 === 0) {
    // Four RGB pixels are three little-endian 32-bit words: a third of the loads of a byte loop.
    const words = new Uint32Array(data.buffer, data.byteOffset, (n * 3) >> 2);
    for (let w = 0, end = n & ~3; i < end; i += 4, w += 3) {
      const a = words[w]!;
      const b = words[w + 1]!;
      const c = words[w + 2]!;
      out[i] = ((a & 255) * 4899 + ((a >>> 8) & 255) * 9617 + ((a >>> 16) & 255) * 1868 + 8192) >> 14;
      out[i + 1] = ((a >>> 24) * 4899 + (b & 255) * 9617 + ((b >>> 8) & 255) * 1868 + 8192) >> 14;
      out[i + 2] = (((b >>> 16) & 255) * 4899 + (b >>> 24) * 9617 + (c & 255) * 1868 + 8192) >> 14;
      out[i + 3] = (((c >>> 8) & 255) * 4899 + ((c >>> 16) & 255) * 9617 + (c >>> 24) * 1868 + 8192) >> 14;
    }
  }
  for (let j = i * channels; i < n; i++, j += channels)
    out[i] = (data[j]! * 4899 + data[j + 1]! * 9617 + data[j + 2]! * 1868 + 8192) >> 14;
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
