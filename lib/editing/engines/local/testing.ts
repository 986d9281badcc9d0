import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

/** A calibration photo (test/fixtures/photos), resized to width×height (cover crop) as a PNG. */
export async function fixturePhoto(name: string, width: number, height: number): Promise<Buffer> {
  const bytes = await readFile(path.join(process.cwd(), "test/fixtures/photos", name));
  return sharp(bytes).resize(width, height, { fit: "cover" }).png().toBuffer();
}

export type Raw = { data: Buffer; width: number; height: number; channels: number };

/** Decoded 8-bit pixels with every channel the PNG has (no alpha added or removed). */
export async function rawOf(image: Buffer): Promise<Raw> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Peak signal-to-noise ratio of two same-size RGB images, in dB (higher = closer). */
export function psnr(a: Raw, b: Raw): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error("PSNR of images of different sizes.");
  let sum = 0;
  const pixels = a.width * a.height;
  for (let i = 0; i < pixels; i++)
    for (let c = 0; c < 3; c++) {
      const d = (a.data[i * a.channels + c] ?? 0) - (b.data[i * b.channels + c] ?? 0);
      sum += d * d;
    }
  const mse = sum / (pixels * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Records onProgress fractions. */
export function progressLog(): { fractions: number[]; onProgress: (f: number) => void } {
  const fractions: number[] = [];
  return { fractions, onProgress: (f) => void fractions.push(f) };
}
