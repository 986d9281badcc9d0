import { beforeAll, describe, expect, it } from "vitest";
import { evaluateClassicalChecks } from "./evaluate";
import { PHOTOS } from "./photos";
import { buildCalibrationSet, LABELLED_CHECKS, labelledFor, type CalibrationItem } from "./set";

let items: CalibrationItem[];
beforeAll(async () => {
  items = await buildCalibrationSet();
}, 120_000);

describe("buildCalibrationSet", () => {
  it("degrades every shipped photo every way, plus a few synthetic blanks", () => {
    expect(PHOTOS.length).toBeGreaterThanOrEqual(8);
    const photos = new Set(items.map((i) => i.photo));
    for (const p of PHOTOS) expect(items.filter((i) => i.photo === p.name).length, p.name).toBe(23);
    expect(photos.size).toBe(PHOTOS.length + 1);
    expect(items.filter((i) => i.photo === "blank")).toHaveLength(4);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const item of items) expect(item.bytes.length, item.id).toBeGreaterThan(0);
  });

  it("labels enough positives and negatives for every scored check", () => {
    for (const check of LABELLED_CHECKS) {
      const { positives, negatives } = labelledFor(items, check);
      expect(positives.length, check).toBeGreaterThanOrEqual(4);
      expect(negatives.length, check).toBeGreaterThanOrEqual(50);
    }
    expect(labelledFor(items, "sharpness").positives.map((i) => i.id)).toContain("clock-motion/original");
    expect(items.find((i) => i.id === "astronaut/under-3ev")).toMatchObject({
      expected: { exposure: "fail" },
      reason: { exposure: "underexposed" },
    });
  });

  it("puts a near-duplicate's own original in its batch, and only other photos in everyone else's", () => {
    for (const item of items) {
      const own = `${item.photo}/original`;
      expect(item.batch.includes(own), item.id).toBe(item.expected.duplicate === "fail");
      for (const id of item.batch) expect(items.some((i) => i.id === id)).toBe(true);
    }
  });
});

describe("classical checks on the calibration set", () => {
  for (const tier of ["support", "hero"] as const) {
    it(`reach precision and recall ≥ 0.95 for sharpness, exposure, artefacts, duplicate (and blank) on ${tier}`, async () => {
      const metrics = await evaluateClassicalChecks({ tier, items });
      for (const m of metrics) {
        expect(m.precision, `${m.check} precision: ${m.errors.join("; ")}`).toBeGreaterThanOrEqual(0.95);
        expect(m.recall, `${m.check} recall: ${m.errors.join("; ")}`).toBeGreaterThanOrEqual(0.95);
      }
      expect(metrics.map((m) => m.check)).toEqual([...LABELLED_CHECKS]);
    }, 120_000);
  }
});
