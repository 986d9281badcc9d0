import sharp from "sharp";
import type { FocalPoint } from "./crop-box";

export { cropBox, type CropBox, type FocalPoint, type Size } from "./crop-box";

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
