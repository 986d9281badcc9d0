import { describe, expect, it } from "vitest";
import { calibrateThresholds, pickThreshold } from "./calibrate";
import { evaluateClassicalChecks } from "./evaluate";
import { buildCalibrationSet } from "./set";
import { allSources, partOf, shippedSources } from "./sources";

describe("the calibration / held-out split", () => {
  it("is deterministic, by source, and holds out about a third of the sources", () => {
    const names = allSources().map((s) => s.name);
    expect(names.map(partOf)).toEqual(names.map(partOf));
    const held = names.filter((n) => partOf(n) === "holdout").length;
    expect(held / names.length).toBeGreaterThan(0.2);
    expect(held / names.length).toBeLessThan(0.5);
    expect(partOf("gravel")).toBe("holdout");
    expect(partOf("astronaut")).toBe("calibration");
  });
});

describe("calibrateThresholds", () => {
  it("reads only the items it is given and separates them; the held-out items are scored with the result", async () => {
    const items = await buildCalibrationSet({ sources: shippedSources() });
    for (const item of items) for (const id of item.batch) expect(partOf(id.split("/")[0]!)).toBe(item.part);
    const calibration = items.filter((i) => i.part === "calibration");
    const holdout = items.filter((i) => i.part === "holdout");
    const calibrated = await calibrateThresholds(calibration);
    const byKey = Object.fromEntries(calibrated.map((c) => [c.key, c]));
    expect(Object.keys(byKey)).toEqual(
      expect.arrayContaining(["sharpness.fail", "duplicate.fail", "exposure.over_fail", "exposure.contrast_fail"]),
    );
    // The calibration part is separable for these: every positive fails, no negative does.
    for (const key of ["sharpness.fail", "duplicate.fail", "exposure.over_fail", "exposure.under_fail"]) {
      const c = byKey[key]!;
      expect(c.positives, key).toBeGreaterThan(0);
      expect([c.truePositives, c.falsePositives], key).toEqual([c.positives, 0]);
    }
    const counted = calibrated.find((c) => c.key === "sharpness.fail")!;
    expect(counted.positives + counted.negatives).toBeLessThanOrEqual(calibration.length);
    const thresholds = Object.fromEntries(calibrated.map((c) => [c.key, c.value]));
    const held = await evaluateClassicalChecks({ items: holdout, thresholds });
    for (const m of held.filter((m) => ["sharpness", "duplicate"].includes(m.check)))
      expect(m.positives + m.negatives, m.check).toBeGreaterThan(0);
  }, 180_000);
});

describe("pickThreshold", () => {
  it("puts the threshold in the middle of the gap that separates the two sides", () => {
    expect(pickThreshold({ fails: "low" }, [10, 20], [40, 50])).toBe(30);
    expect(pickThreshold({ fails: "high" }, [0.4, 0.5], [0.1, 0.2])).toBeCloseTo(0.3);
  });

  it("rounds an integer measure's midpoint, not to an end of the gap, and keeps both sides apart", () => {
    // Dark copies' highlights ≤ 130, acceptable pictures' ≥ 160: a threshold of 160 would fail a new
    // acceptable picture at 159; the middle leaves the same margin on both sides.
    expect(pickThreshold({ fails: "low", integer: true }, [120, 130], [160, 170])).toBe(145);
    expect(pickThreshold({ fails: "at-most", integer: true }, [3, 12], [22, 30])).toBe(17);
    // Neighbouring integers: the only threshold that separates them.
    expect(pickThreshold({ fails: "low", integer: true }, [5], [6])).toBe(6);
    expect(pickThreshold({ fails: "at-most", integer: true }, [5], [6])).toBe(5);
  });
});
