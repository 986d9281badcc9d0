import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * Money is integer micro-dollars (1 USD = 1_000_000) everywhere. Prices are data on a preset version.
 * A megapixel is 1,000,000 pixels (the unit providers bill in), not 2^20.
 */
export type PriceModel =
  | { kind: "per_image"; microsPerImage: number }
  | { kind: "per_megapixel"; microsPerMegapixel: number }
  | { kind: "per_gpu_second"; microsPerGpuSecond: number; expectedGpuSeconds: number };

const micros = z.number().int().nonnegative().max(1_000_000_000_000);
/** Validates a price model when an admin saves a preset version. */
export const priceModelSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("per_image"), microsPerImage: micros }),
  z.object({ kind: z.literal("per_megapixel"), microsPerMegapixel: micros }),
  z.object({
    kind: z.literal("per_gpu_second"),
    microsPerGpuSecond: micros,
    expectedGpuSeconds: z.number().positive().max(3_600),
  }),
]);

export type ImageSize = { width: number; height: number };
export type CallInput = ImageSize & { gpuSeconds?: number };

/** Integer division rounding half up (operands non-negative). */
function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new AppError("invalid_input", `${what} is too large to compute exactly.`);
  return Number(value);
}

function assertSize({ width, height }: ImageSize) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new AppError("invalid_input", `Image size must be whole positive pixels (got ${width}×${height}).`);
  }
}

/**
 * Cost of one provider call in integer micros, rounded half up to the micro:
 * per image → the price; per megapixel → width×height×price / 1e6; per GPU-second → the billed time
 * (measured `gpuSeconds`, else the model's expected time) taken to the millisecond × price / 1000.
 */
export function costOfCall(priceModel: PriceModel, call: CallInput): number {
  assertSize(call);
  switch (priceModel.kind) {
    case "per_image":
      return priceModel.microsPerImage;
    case "per_megapixel":
      return toSafeNumber(
        divRoundHalfUp(BigInt(call.width) * BigInt(call.height) * BigInt(priceModel.microsPerMegapixel), 1_000_000n),
        "Cost",
      );
    case "per_gpu_second": {
      const seconds = call.gpuSeconds ?? priceModel.expectedGpuSeconds;
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new AppError("invalid_input", `GPU time must be a non-negative number of seconds (got ${seconds}).`);
      // Billed time is taken to the millisecond first, so float noise in a measured duration never reaches the sum.
      const ms = BigInt(Math.round(seconds * 1000));
      return toSafeNumber(divRoundHalfUp(ms * BigInt(priceModel.microsPerGpuSecond), 1000n), "Cost");
    }
  }
}

export type BatchEstimateInput = {
  /** Number of rows, or rows per tier (e.g. `{ support: 48, hero: 2 }`) when a CSV has a tier column. */
  rows: number | Record<string, number>;
  variantsPerRow: number;
  aspectRatios: ImageSize[];
  /** One price model for every row, or one per tier key used in `rows`. */
  priceModels: PriceModel | Record<string, PriceModel>;
  /** Expected provider latency per image. */
  latencyMs: number;
  /** How many generations run at once on the provider. */
  concurrency: number;
};
export type BatchEstimate = {
  images: number;
  micros: number;
  seconds: number;
  byTier: Record<string, { images: number; micros: number }>;
};

const SINGLE = "default";

/**
 * Expected images, cost and wall time of a batch before it is queued. Cost is the exact sum of
 * costOfCall per image; time = ceil(images / concurrency) waves × latency, rounded up to the second.
 */
export function estimateBatch(input: BatchEstimateInput): BatchEstimate {
  const { variantsPerRow, aspectRatios, latencyMs, concurrency } = input;
  const count = (n: number, what: string) => {
    if (!Number.isInteger(n) || n < 0)
      throw new AppError("invalid_input", `${what} must be a whole number of 0 or more (got ${n}).`);
  };
  count(variantsPerRow, "Variants per row");
  count(latencyMs, "Latency");
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new AppError("invalid_input", "Concurrency must be at least 1.");
  if (aspectRatios.length === 0) throw new AppError("invalid_input", "Choose at least one aspect ratio.");
  aspectRatios.forEach(assertSize);

  const rowsByTier = typeof input.rows === "number" ? { [SINGLE]: input.rows } : input.rows;
  const single = "kind" in input.priceModels ? (input.priceModels as PriceModel) : undefined;
  let images = 0n;
  let total = 0n;
  const byTier: BatchEstimate["byTier"] = {};
  for (const [tier, rows] of Object.entries(rowsByTier)) {
    count(rows, `Rows for ${tier}`);
    const model = single ?? (input.priceModels as Record<string, PriceModel>)[tier];
    if (!model) throw new AppError("invalid_input", `No price model for tier "${tier}".`);
    // Every row of the tier makes the same calls, so cost = rows × variants × Σ cost per aspect ratio.
    const perRow =
      BigInt(variantsPerRow) * aspectRatios.reduce((sum, size) => sum + BigInt(costOfCall(model, size)), 0n);
    const tierImages = BigInt(rows) * BigInt(variantsPerRow) * BigInt(aspectRatios.length);
    const tierMicros = BigInt(rows) * perRow;
    byTier[tier] = { images: toSafeNumber(tierImages, "Image count"), micros: toSafeNumber(tierMicros, "Cost") };
    images += tierImages;
    total += tierMicros;
  }
  const waves = (images + BigInt(concurrency) - 1n) / BigInt(concurrency);
  const seconds = (waves * BigInt(latencyMs) + 999n) / 1000n;
  return {
    images: toSafeNumber(images, "Image count"),
    micros: toSafeNumber(total, "Cost"),
    seconds: toSafeNumber(seconds, "Time"),
    byTier,
  };
}

/**
 * Formats micros as dollars with integer math: "$1,234.57" (two decimals, half up). Amounts under a
 * cent show up to six decimals so a $0.0042 image does not read as "$0.00"; `decimals` forces a precision.
 */
export function formatMicros(value: number, options: { decimals?: number } = {}): string {
  if (!Number.isSafeInteger(value))
    throw new AppError("invalid_input", `Money must be whole micro-dollars (got ${value}).`);
  const abs = BigInt(Math.abs(value));
  let decimals = options.decimals ?? 2;
  if (options.decimals === undefined && abs > 0n && abs < 10_000n) {
    decimals = 6;
    while (decimals > 2 && abs % 10n ** BigInt(6 - decimals + 1) === 0n) decimals--;
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6)
    throw new AppError("invalid_input", "decimals must be 0 to 6.");
  const scaled = divRoundHalfUp(abs, 10n ** BigInt(6 - decimals));
  const unit = 10n ** BigInt(decimals);
  const dollars = (scaled / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = decimals > 0 ? `.${(scaled % unit).toString().padStart(decimals, "0")}` : "";
  return `${value < 0 && scaled > 0n ? "-" : ""}$${dollars}${cents}`;
}

/**
 * A unit cost (per image, per usable asset) with enough digits to compare two of them: at least two
 * significant digits, up to six decimals, never fewer than two. 14_000 → "$0.014" (formatMicros says
 * "$0.01"), 120_000 → "$0.12", 1_234_567 → "$1.23", 4_200 → "$0.0042".
 */
export function formatUnitMicros(value: number): string {
  if (!Number.isSafeInteger(value))
    throw new AppError("invalid_input", `Money must be whole micro-dollars (got ${value}).`);
  const abs = Math.abs(value);
  let decimals = 2;
  while (decimals < 6 && abs > 0 && abs < 10 * 10 ** (6 - decimals)) decimals++;
  // Zeros past the cents carry nothing: "$0.0020" reads "$0.002".
  return formatMicros(value, { decimals }).replace(/(\.\d\d\d*?)0+$/, "$1");
}
