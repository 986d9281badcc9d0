import sharp from "sharp";
import { clamp01, type FocalPoint } from "./crop-box";

export { cropBox, type CropBox, type FocalPoint, type Size } from "./crop-box";

/**
 * Where sharp's attention strategy (luminance, saturation, skin tones) would centre a crop: the
 * default focal point when the designer has not set one. Measured on a small copy: the centre of
 * the half-width strip it keeps gives x, the centre of the half-height strip gives y (so a square
 * image, the common case, gets a real point too).
 */
export async function attentionFocal(image: Buffer | string): Promise<FocalPoint> {
  const probe = 256;
  const small = await sharp(image)
    .rotate()
    .resize({ width: probe, height: probe, fit: "inside" })
    .toBuffer({ resolveWithObject: true });
  const { width, height } = small.info;
  const strip = async (w: number, h: number) =>
    (
      await sharp(small.data)
        .resize({ width: w, height: h, fit: "cover", position: sharp.strategy.attention })
        .toBuffer({ resolveWithObject: true })
    ).info;
  const [narrow, flat] = await Promise.all([
    strip(Math.max(1, Math.round(width / 2)), height),
    strip(width, Math.max(1, Math.round(height / 2))),
  ]);
  const left = -(narrow.cropOffsetLeft ?? 0);
  const top = -(flat.cropOffsetTop ?? 0);
  return { x: clamp01((left + narrow.width / 2) / width), y: clamp01((top + flat.height / 2) / height) };
}
