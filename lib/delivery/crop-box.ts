// Pure geometry, no sharp: the browser's placement preview imports it (lib/delivery/crop.ts re-exports it).

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

export function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0.5;
}
