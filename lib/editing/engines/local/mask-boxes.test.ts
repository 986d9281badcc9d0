import { describe, expect, it } from "vitest";
import { cropBox, maskBoxes, pasteBox, shareBoxes } from "./mask-boxes";

/** A W×H mask with the given rectangles marked. */
function maskWith(width: number, height: number, rects: [number, number, number, number][]): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const [x, y, w, h] of rects)
    for (let yy = y; yy < y + h; yy++) mask.fill(255, yy * width + x, yy * width + x + w);
  return mask;
}

describe("mask boxes", () => {
  it("gives one box per separate part, grown by the margin and clamped to the image", () => {
    const boxes = maskBoxes(
      maskWith(300, 200, [
        [10, 10, 5, 5],
        [200, 150, 20, 10],
        [290, 0, 10, 3],
      ]),
      300,
      200,
      4,
    );
    expect(boxes).toEqual(
      expect.arrayContaining([
        { x: 6, y: 6, width: 13, height: 13 },
        { x: 196, y: 146, width: 28, height: 18 },
        { x: 286, y: 0, width: 14, height: 7 },
      ]),
    );
    expect(boxes).toHaveLength(3);
  });

  it("merges parts whose grown boxes overlap, and parts in touching grid cells", () => {
    // 10 px apart with a margin of 8: one box.
    expect(
      maskBoxes(
        maskWith(200, 100, [
          [20, 20, 4, 4],
          [34, 20, 4, 4],
        ]),
        200,
        100,
        8,
      ),
    ).toEqual([{ x: 12, y: 12, width: 34, height: 20 }]);
    // A line across a cell border is one part.
    expect(maskBoxes(maskWith(200, 100, [[50, 40, 40, 2]]), 200, 100, 2)).toEqual([
      { x: 48, y: 38, width: 44, height: 6 },
    ]);
  });

  it("an empty mask has no boxes", () => {
    expect(maskBoxes(new Uint8Array(64 * 64), 64, 64, 5)).toEqual([]);
  });

  it("crops and pastes a box of a multi-channel image exactly", () => {
    const width = 7;
    const image = Uint8Array.from({ length: width * 5 * 3 }, (_, i) => i % 251);
    const box = { x: 2, y: 1, width: 3, height: 2 };
    const crop = cropBox(image, width, 3, box);
    expect(Array.from(crop.subarray(0, 3))).toEqual(
      Array.from(image.subarray((1 * width + 2) * 3, (1 * width + 2) * 3 + 3)),
    );
    const copy = new Uint8Array(image.length);
    pasteBox(copy, width, 3, box, crop);
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < width; x++) {
        const inside = x >= 2 && x < 5 && y >= 1 && y < 3;
        const i = (y * width + x) * 3;
        expect(copy[i]).toBe(inside ? image[i] : 0);
      }
  });

  it("shares boxes between threads largest first onto the least loaded", () => {
    const box = (side: number) => ({ x: 0, y: 0, width: side, height: side });
    const shares = shareBoxes([box(10), box(30), box(20), box(25)], 2);
    const load = (s: { width: number; height: number }[]) => s.reduce((sum, b) => sum + b.width * b.height, 0);
    expect(shares.map(load).sort((a, b) => a - b)).toEqual([1000, 1025]); // 30² + 10² | 25² + 20²
    expect(shareBoxes([box(5)], 2)).toHaveLength(1);
  });
});
