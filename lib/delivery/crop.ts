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
 * default focal point when the designer has not set one. Measured on a small copy (the strategy
 * works on a downscale anyway), as the centre of the square crop it picks.
 */
export async function attentionFocal(image: Buffer | string): Promise<FocalPoint> {
  const probe = 256;
  const meta = await sharp(image).rotate().resize({ width: probe, height: probe, fit: "inside" }).toBuffer({ resolveWithObject: true });
  const { width, height } = meta.info;
  const side = Math.min(width, height);
  if (width === height) return { x: 0.5, y: 0.5 };
  const { info } = await sharp(meta.data).resize({ width: side, height: side, fit: "cover", position: sharp.strategy.attention }).toBuffer({ resolveWithObject: true });
  const left = -(info.cropOffsetLeft ?? 0);
  const top = -(info.cropOffsetTop ?? 0);
  return { x: (left + side / 2) / width, y: (top + side / 2) / height };
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0.5;
}
