import { describe, expect, it } from "vitest";
import type { PriceModel } from "@/lib/costs/estimate";
import type { ActivePreset } from "./catalog";
import { estimateGenerations } from "./estimate";
import { summariseTimings } from "./measured-gpu-time";

function preset(priceModel: PriceModel): ActivePreset {
  return {
    preset: { id: "p1" },
    version: { id: "v1", priceModel, params: { width: 1024, height: 1024, steps: 30 } },
    provider: { id: "gpu", concurrencyLimit: 4 },
  } as unknown as ActivePreset;
}
const hero = preset({ kind: "per_gpu_second", microsPerGpuSecond: 1_000, expectedGpuSeconds: 12 });
const items = (n: number, p: ActivePreset) =>
  Array.from({ length: n }, () => ({ width: 1024, height: 1024, preset: p }));

describe("estimateGenerations with measured GPU time", () => {
  it("prices per-GPU-second presets at the endpoint's measured median, not the preset's guess (10× off before)", () => {
    const measured = new Map([["v1", summariseTimings([1_100, 1_200, 1_200, 1_300, 1_400])!]]);
    const e = estimateGenerations(items(10, hero), measured);
    expect(e.micros).toBe(12_000); // 10 × 1.2 s × $0.001
    expect(e.accuracy).toEqual({
      kind: "measured",
      runs: 5,
      medianSeconds: 1.2,
      lowMicros: 11_400,
      highMicros: 13_600,
    });
    expect(estimateGenerations(items(10, hero)).micros).toBe(120_000);
    expect(estimateGenerations(items(10, hero)).accuracy).toEqual({ kind: "expected", expectedSeconds: 12 });
  });
  it("calls per-image prices exact, and ignores measurements for them", () => {
    const flat = preset({ kind: "per_image", microsPerImage: 2_000 });
    const e = estimateGenerations(items(3, flat), new Map([["v1", summariseTimings([5_000])!]]));
    expect(e).toMatchObject({ micros: 6_000, accuracy: { kind: "exact" } });
  });
  it("summarises timings as median and 10th–90th percentile seconds; nothing measured is null", () => {
    expect(summariseTimings([])).toBeNull();
    expect(summariseTimings([2_000])).toEqual({ runs: 1, medianSeconds: 2, lowSeconds: 2, highSeconds: 2 });
    expect(summariseTimings([1_000, 3_000, 2_000])).toMatchObject({
      medianSeconds: 2,
      lowSeconds: 1.2,
      highSeconds: 2.8,
    });
  });
});
