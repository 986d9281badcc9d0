import sharp from "sharp";

/** A point as fractions (0–1) of an image's width and height. */
export type FocalPoint = { x: number; y: number };
export type Size = { width: number; height: number };
/** A region of the source image, in its pixels. */
export type CropBox = { left: number; top: number; width: number; height: number };

/**
 * The largest region of `source` with the target's aspect ratio, centred on the focal point as far
 * as the edges allow. Pure: the preview (browser) and the renderer (server) draw the same box.
 */
export function cropBox(source: Size, target: Size, focal: FocalPoint): CropBox {
  const targetRatio = target.width / target.height;
  let width = source.width;
  let height = Math.round(width / targetRatio);
  if (height > source.height) {
    height = source.height;
    width = Math.round(height * targetRatio);
  }
  width = Math.max(1, Math.min(width, source.width));
  height = Math.max(1, Math.min(height, source.height));
  const cx = clamp01(focal.x) * source.width;
  const cy = clamp01(focal.y) * source.height;
  const left = Math.round(Math.min(Math.max(cx - width / 2, 0), source.width - width));
  const top = Math.round(Math.min(Math.max(cy - height / 2, 0), source.height - height));
  return { left, top, width, height };
}

/**
 * Where sharp's attention strategy (luminance, saturation, skin tones) would centre a crop: the
 * default focal point when the designer has not set one. Measured on a small copy: the centre of
 * the half-width strip it keeps gives x, the centre of the half-height strip gives y (so a square
 * image, the common case, gets a real point too).
 */
export async function attentionFocal(image: Buffer | string): Promise<FocalPoint> {
  const probe = 256;
  const small = await sharp(image).rotate().resize({ width: probe, height: probe, fit: "inside" }).toBuffer({ resolveWithObject: true });
  const { width, height } = small.info;
  const strip = async (w: number, h: number) =>
    (await sharp(small.data).resize({ width: w, height: h, fit: "cover", position: sharp.strategy.attention }).toBuffer({ resolveWithObject: true })).info;
  const [narrow, flat] = await Promise.all([strip(Math.max(1, Math.round(width / 2)), height), strip(width, Math.max(1, Math.round(height / 2)))]);
  const left = -(narrow.cropOffsetLeft ?? 0);
  const top = -(flat.cropOffsetTop ?? 0);
  return { x: clamp01((left + narrow.width / 2) / width), y: clamp01((top + flat.height / 2) / height) };
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0.5;
}
