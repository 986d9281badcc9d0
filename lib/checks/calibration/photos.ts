import { readFile } from "node:fs/promises";
import path from "node:path";

/** Where the shipped calibration photographs live (see its README.md for origin and licence). */
export const PHOTOS_DIR = path.resolve(import.meta.dirname, "../../../test/fixtures/photos");

/**
 * The real photographs the calibration set is built from (scikit-image's sample data, resized to
 * ≤ 640 px, JPEG quality 90). `blurred` marks a photograph that is itself out of focus (a real
 * camera-motion blur), so the set holds one blur that was not synthesised; `lowKey` a night scene,
 * whose brightened copies look like a daylight shot rather than an over-exposed one.
 */
export const PHOTOS: { name: string; file: string; blurred?: boolean; lowKey?: boolean }[] = [
  { name: "astronaut", file: "astronaut.jpg" },
  { name: "camera", file: "camera.jpg" },
  { name: "chelsea", file: "chelsea.jpg" },
  { name: "coffee", file: "coffee.jpg" },
  { name: "coins", file: "coins.jpg" },
  { name: "rocket", file: "rocket.jpg", lowKey: true },
  { name: "brick", file: "brick.jpg" },
  { name: "grass", file: "grass.jpg" },
  { name: "gravel", file: "gravel.jpg" },
  { name: "clock-motion", file: "clock-motion.jpg", blurred: true },
];

export async function loadPhoto(name: string): Promise<Buffer> {
  const photo = PHOTOS.find((p) => p.name === name);
  if (!photo) throw new Error(`Unknown calibration photo: ${name}`);
  return readFile(path.join(PHOTOS_DIR, photo.file));
}
