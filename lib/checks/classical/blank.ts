import type { CheckModule } from "../types";
import { histogramStats, MIN_OPAQUE_SHARE, normalisedStats } from "./derive";
import { gradeHigh, outcome, pct, threshold, thresholdsFor } from "./thresholds";

/** Grey levels either side of the most common level that still count as "the same colour". */
const SPREAD = 8;

/** Share of pixels within ±SPREAD grey levels of the most common level (1 = a single flat colour). */
export function dominantShare(bins: Uint32Array): number {
  const { n } = histogramStats(bins);
  if (n === 0) return 1;
  let mode = 0;
  for (let v = 1; v < 256; v++) if (bins[v]! > bins[mode]!) mode = v;
  let near = 0;
  for (let v = Math.max(0, mode - SPREAD); v <= Math.min(255, mode + SPREAD); v++) near += bins[v]!;
  return near / n;
}

/**
 * A blank or near-solid image (a failed render, a black frame, an all-white canvas), on the normalised
 * 512-px copy. Flat fills, with or without mild noise, score 1; on the calibration set the most uniform real
 * photo (a nearly flat, contrast-cut grey clock) scores 0.95. Strong noise over a flat fill is not caught.
 */
export const blankCheck: CheckModule = {
  id: "blank",
  version: 2,
  group: "quality",
  label: "Blank image",
  description: `Share of pixels within ±${SPREAD} grey levels of the most common one (opaque pixels only); a near-solid image, or a cut-out with almost nothing left, fails.`,
  defaults: {
    support: { fail: 0.98, warn: 0.9 },
    hero: { fail: 0.97, warn: 0.85 },
  },
  async run(image, context) {
    const t = thresholdsFor(blankCheck, context);
    const fail = threshold(t, "fail");
    const warn = threshold(t, "warn");
    const stats = normalisedStats(image);
    if (stats.opaqueShare < MIN_OPAQUE_SHARE)
      return outcome(
        "fail",
        {
          score: 1,
          threshold: fail,
          detail: `Only ${pct(stats.opaqueShare)} of the image is opaque: the cut-out is empty or nearly so.`,
        },
        "blank",
      );
    const score = dominantShare(stats.histogram);
    const verdict = gradeHigh(score, fail, warn);
    const limit = verdict === "warn" ? warn : fail;
    const detail =
      verdict === "pass"
        ? `${pct(score)} of the pixels share one grey level (±${SPREAD}), under the warning level ${pct(warn)}.`
        : `${pct(score)} of the pixels share one grey level (±${SPREAD}), over the ${verdict === "fail" ? "failure" : "warning"} level ${pct(limit)}: the image is ${verdict === "fail" ? "blank" : "nearly blank"}.`;
    return outcome(verdict, { score, detail, threshold: limit }, "blank");
  },
};
