import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  costOfCall,
  estimateBatch,
  formatMicros,
  formatUnitMicros,
  priceModelSchema,
  type PriceModel,
} from "./estimate";

const perImage: PriceModel = { kind: "per_image", microsPerImage: 2_000 };
const perMp: PriceModel = { kind: "per_megapixel", microsPerMegapixel: 12_000 };
const perSecond: PriceModel = { kind: "per_gpu_second", microsPerGpuSecond: 1_100, expectedGpuSeconds: 18 };

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("costOfCall", () => {
  it("charges a flat price per image whatever the size", () => {
    expect(costOfCall(perImage, { width: 512, height: 512 })).toBe(2_000);
    expect(costOfCall(perImage, { width: 2048, height: 2048 })).toBe(2_000);
  });

  it("charges per megapixel (1,000,000 px), rounding half up to the micro", () => {
    expect(costOfCall(perMp, { width: 1000, height: 1000 })).toBe(12_000);
    expect(costOfCall(perMp, { width: 1024, height: 1024 })).toBe(12_583); // 1,048,576 × 0.012 = 12,582.912
    expect(costOfCall({ kind: "per_megapixel", microsPerMegapixel: 1 }, { width: 1000, height: 500 })).toBe(1); // exactly 0.5 → up
    expect(costOfCall({ kind: "per_megapixel", microsPerMegapixel: 1 }, { width: 999, height: 500 })).toBe(0); // 0.4995 → down
  });

  it("charges per GPU-second on measured time, else the expected time, to the millisecond", () => {
    expect(costOfCall(perSecond, { width: 1024, height: 1024 })).toBe(19_800);
    expect(costOfCall(perSecond, { width: 1024, height: 1024, gpuSeconds: 3.2705 })).toBe(3_598); // 3.271 s × 1,100 = 3,598.1
    expect(
      costOfCall(
        { kind: "per_gpu_second", microsPerGpuSecond: 1, expectedGpuSeconds: 1 },
        { width: 1, height: 1, gpuSeconds: 0.5 },
      ),
    ).toBe(1);
    expect(costOfCall(perSecond, { width: 1, height: 1, gpuSeconds: 0 })).toBe(0);
    // 0.1 + 0.2 is 0.30000000000000004 in floats; billing to the millisecond keeps it exactly 300 ms.
    expect(
      costOfCall(
        { kind: "per_gpu_second", microsPerGpuSecond: 1_000_000, expectedGpuSeconds: 1 },
        { width: 1, height: 1, gpuSeconds: 0.1 + 0.2 },
      ),
    ).toBe(300_000);
  });

  it("refuses sizes and times that are not real", () => {
    expect(errorOf(() => costOfCall(perImage, { width: 0, height: 10 })).code).toBe("invalid_input");
    expect(errorOf(() => costOfCall(perImage, { width: 10.5, height: 10 })).code).toBe("invalid_input");
    expect(errorOf(() => costOfCall(perSecond, { width: 1, height: 1, gpuSeconds: Number.NaN })).code).toBe(
      "invalid_input",
    );
    expect(errorOf(() => costOfCall(perSecond, { width: 1, height: 1, gpuSeconds: -1 })).code).toBe("invalid_input");
  });
});

describe("priceModelSchema", () => {
  it("accepts the three kinds and rejects floats and negatives", () => {
    for (const model of [perImage, perMp, perSecond]) expect(priceModelSchema.parse(model)).toEqual(model);
    expect(priceModelSchema.safeParse({ kind: "per_image", microsPerImage: 0.5 }).success).toBe(false);
    expect(priceModelSchema.safeParse({ kind: "per_image", microsPerImage: -1 }).success).toBe(false);
    expect(priceModelSchema.safeParse({ kind: "per_gpu_second", microsPerGpuSecond: 1 }).success).toBe(false);
    expect(priceModelSchema.safeParse({ kind: "per_token", micros: 1 }).success).toBe(false);
  });
});

describe("estimateBatch", () => {
  const square = { width: 1024, height: 1024 };
  const portrait = { width: 896, height: 1152 };

  it("multiplies rows × variants × aspect ratios and sums per-call costs exactly", () => {
    const estimate = estimateBatch({
      rows: 50,
      variantsPerRow: 4,
      aspectRatios: [square, portrait],
      priceModels: perMp,
      latencyMs: 2_500,
      concurrency: 4,
    });
    // per row: 4 × (12,583 + round(1,032,192 × 0.012 = 12,386.304) = 12,386) = 99,876
    expect(estimate).toEqual({
      images: 400,
      micros: 50 * 99_876,
      seconds: 250,
      byTier: { default: { images: 400, micros: 4_993_800 } },
    });
  });

  it("prices each tier with its own model", () => {
    const estimate = estimateBatch({
      rows: { draft: 10, support: 5, hero: 1 },
      variantsPerRow: 2,
      aspectRatios: [square],
      priceModels: { draft: perImage, support: perMp, hero: perSecond },
      latencyMs: 1_000,
      concurrency: 3,
    });
    expect(estimate.byTier).toEqual({
      draft: { images: 20, micros: 40_000 },
      support: { images: 10, micros: 125_830 },
      hero: { images: 2, micros: 39_600 },
    });
    expect(estimate).toMatchObject({ images: 32, micros: 205_430, seconds: 11 });
    expect(
      errorOf(() =>
        estimateBatch({
          rows: { gold: 1 },
          variantsPerRow: 1,
          aspectRatios: [square],
          priceModels: { draft: perImage },
          latencyMs: 1,
          concurrency: 1,
        }),
      ).message,
    ).toBe('No price model for tier "gold".');
  });

  it("rounds time up to whole waves and whole seconds", () => {
    const base = { variantsPerRow: 1, aspectRatios: [square], priceModels: perImage, concurrency: 4 };
    expect(estimateBatch({ ...base, rows: 4, latencyMs: 1_500 }).seconds).toBe(2); // 1 wave × 1.5 s → 2 s
    expect(estimateBatch({ ...base, rows: 5, latencyMs: 1_500 }).seconds).toBe(3); // 2 waves × 1.5 s
    expect(estimateBatch({ ...base, rows: 0, latencyMs: 1_500 })).toMatchObject({ images: 0, micros: 0, seconds: 0 });
  });

  it("stays exact to the micro for the largest batch (10,000 rows × 8 variants × 4 ratios)", () => {
    const odd: PriceModel = { kind: "per_megapixel", microsPerMegapixel: 33_333 };
    const ratios = [square, portrait, { width: 1216, height: 832 }, { width: 768, height: 1344 }];
    const estimate = estimateBatch({
      rows: 10_000,
      variantsPerRow: 8,
      aspectRatios: ratios,
      priceModels: odd,
      latencyMs: 7_001,
      concurrency: 3,
    });
    const perCall = ratios.map((r) => costOfCall(odd, r));
    let sum = 0;
    for (let i = 0; i < 10_000 * 8; i++) for (const c of perCall) sum += c; // the ledger's way: one row per call
    expect(estimate.images).toBe(320_000);
    expect(estimate.micros).toBe(sum);
    expect(Number.isInteger(estimate.micros)).toBe(true);
    expect(estimate.seconds).toBe(Math.ceil((Math.ceil(320_000 / 3) * 7_001) / 1000));
  });

  it("refuses impossible inputs", () => {
    const base = {
      rows: 1,
      variantsPerRow: 1,
      aspectRatios: [square],
      priceModels: perImage,
      latencyMs: 1,
      concurrency: 1,
    };
    expect(errorOf(() => estimateBatch({ ...base, concurrency: 0 })).code).toBe("invalid_input");
    expect(errorOf(() => estimateBatch({ ...base, aspectRatios: [] })).code).toBe("invalid_input");
    expect(errorOf(() => estimateBatch({ ...base, variantsPerRow: 1.5 })).code).toBe("invalid_input");
    expect(errorOf(() => estimateBatch({ ...base, rows: -1 })).code).toBe("invalid_input");
  });
});

describe("formatMicros", () => {
  it.each([
    [0, "$0.00"],
    [1_230_000, "$1.23"],
    [1_234_999, "$1.23"],
    [1_235_000, "$1.24"],
    [9_995_000, "$10.00"],
    [1_234_567_890_000, "$1,234,567.89"],
    [-1_235_000, "-$1.24"],
    [4_200, "$0.0042"],
    [5_000, "$0.005"],
    [1, "$0.000001"],
    [-4_200, "-$0.0042"],
    [10_000, "$0.01"],
    [Number.MAX_SAFE_INTEGER, "$9,007,199,254.74"],
  ])("formats %i as %s", (micros, expected) => {
    expect(formatMicros(micros)).toBe(expected);
  });

  it("takes an explicit precision and refuses non-integers", () => {
    expect(formatMicros(1_234_567, { decimals: 6 })).toBe("$1.234567");
    expect(formatMicros(1_500_000, { decimals: 0 })).toBe("$2");
    expect(formatMicros(-4_000, { decimals: 2 })).toBe("$0.00");
    expect(errorOf(() => formatMicros(1.5)).code).toBe("invalid_input");
  });
});

describe("formatUnitMicros", () => {
  it("keeps two significant digits so unit costs can be compared ($0.014 is not $0.01)", () => {
    expect(formatMicros(14_000)).toBe("$0.01");
    expect(formatUnitMicros(14_000)).toBe("$0.014");
    expect(formatUnitMicros(11_000)).not.toBe(formatUnitMicros(14_000));
    expect(formatUnitMicros(120_000)).toBe("$0.12");
    expect(formatUnitMicros(1_234_567)).toBe("$1.23");
    expect(formatUnitMicros(4_200)).toBe("$0.0042");
    expect(formatUnitMicros(7)).toBe("$0.000007");
    expect(formatUnitMicros(0)).toBe("$0.00");
    expect(formatUnitMicros(2_000)).toBe("$0.002");
    expect(formatUnitMicros(10_000)).toBe("$0.01");
    expect(formatUnitMicros(1_200_000)).toBe("$1.20");
    expect(formatUnitMicros(-14_000)).toBe("-$0.014");
  });
});
