/** The aspect ratios designers pick from; sizes keep the preset's pixel budget. */
export const ASPECT_RATIOS = { "1:1": [1, 1], "4:5": [4, 5], "3:2": [3, 2], "16:9": [16, 9], "9:16": [9, 16] } as const;
export type AspectRatio = keyof typeof ASPECT_RATIOS;

/**
 * Width and height for a ratio with about the same megapixels as the preset's base size, rounded
 * to multiples of 64 (what diffusion backends expect), never above 2048 on a side.
 */
export function sizeFor(
  ratio: AspectRatio,
  base: { width: number; height: number },
): { width: number; height: number } {
  const [rw, rh] = ASPECT_RATIOS[ratio];
  const pixels = base.width * base.height;
  const unit = Math.sqrt(pixels / (rw * rh));
  const round = (v: number) => Math.min(2048, Math.max(64, Math.round(v / 64) * 64));
  return { width: round(rw * unit), height: round(rh * unit) };
}

/** A stable seed per generation, so re-running a row reproduces its image. */
export function seedFor(batchId: string, line: number, variant: number): number {
  let h = 2166136261;
  for (const ch of `${batchId}:${line}:${variant}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % 2_147_483_647;
}
