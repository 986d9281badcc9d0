import { afterAll, describe, expect, it } from "vitest";
import { imglyEngine } from "./imgly";
import { closeEnginePools } from "./pool";
import { fixturePhoto, progressLog, rawOf } from "./testing";

afterAll(() => closeEnginePools());

/** Mean alpha over a rectangle given as fractions of the image. */
function meanAlpha(raw: Awaited<ReturnType<typeof rawOf>>, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * raw.height); y < Math.floor(y1 * raw.height); y++)
    for (let x = Math.floor(x0 * raw.width); x < Math.floor(x1 * raw.width); x++, n++)
      sum += raw.data[(y * raw.width + x) * 4 + 3] ?? 0;
  return sum / n;
}

describe("IMG.LY background removal (onnxruntime worker)", () => {
  it(
    "keeps the subject opaque and makes the background transparent, with progress up to 1",
    { timeout: 300_000 },
    async () => {
      // Corners that are background in each photo (the astronaut's lower corners are her suit).
      // Measured: centre alpha 248 and 254, these corners 0.
      const photos = [
        [
          "astronaut.jpg",
          256,
          256,
          [
            [0, 0],
            [0.9, 0],
          ],
        ],
        [
          "coffee.jpg",
          300,
          200,
          [
            [0, 0],
            [0.9, 0],
            [0, 0.9],
            [0.9, 0.9],
          ],
        ],
      ] as const;
      for (const [name, width, height, corners] of photos) {
        const log = progressLog();
        const out = await imglyEngine.removeBackground!(
          { image: await fixturePhoto(name, width, height) },
          { onProgress: log.onProgress },
        );
        expect([out.width, out.height]).toEqual([width, height]);
        const raw = await rawOf(out.image);
        expect(raw.channels, name).toBe(4);
        expect(meanAlpha(raw, 0.4, 0.4, 0.6, 0.6), `${name} centre`).toBeGreaterThan(200);
        for (const [x, y] of corners)
          expect(meanAlpha(raw, x, y, x + 0.1, y + 0.1), `${name} corner ${x},${y}`).toBeLessThan(40);
        expect(log.fractions.at(-1)).toBe(1);
        expect(log.fractions.length).toBeGreaterThan(2);
      }
    },
  );

  it(
    "removes a background again after its thread was stopped (an idle pool stops it; onnxruntime must load again)",
    { timeout: 300_000 },
    async () => {
      const image = await fixturePhoto("coffee.jpg", 120, 80);
      await imglyEngine.removeBackground!({ image });
      await closeEnginePools();
      const out = await imglyEngine.removeBackground!({ image });
      const raw = await rawOf(out.image);
      expect(raw.channels).toBe(4);
      expect(meanAlpha(raw, 0, 0, 0.1, 0.1)).toBeLessThan(40);
    },
  );
});
