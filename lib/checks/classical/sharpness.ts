import type { CheckModule } from "../types";
import { NORMALISED_SIDE, normalisedStats, tooTransparentToJudge } from "./derive";
import { fmt, gradeLow, outcome, threshold, thresholdsFor } from "./thresholds";

/**
 * Focus: variance of the Laplacian on the image area-averaged to 512 px on its long side, so the
 * score judges blur at viewing size whatever the output resolution. Calibrated on the shipped
 * photos: sharp copies (incl. σ 0.6 blurs, re-encodes, near-duplicates) score ≥ 83, Gaussian blurs of
 * σ ≥ 2 px (at ≤ 640 px) and the real motion-blurred photo ≤ 32; the support failure level sits between.
 */
export const sharpnessCheck: CheckModule = {
  id: "sharpness",
  version: 2,
  group: "quality",
  label: "Sharpness",
  description: `Variance of the Laplacian (edge energy) at ${NORMALISED_SIDE} px on the long side, over the opaque part of a cut-out; low values mean a blurred or out-of-focus image.`,
  defaults: {
    support: { fail: 50, warn: 100 },
    hero: { fail: 65, warn: 150 },
  },
  async run(image, context) {
    const t = thresholdsFor(sharpnessCheck, context);
    const fail = threshold(t, "fail");
    const warn = threshold(t, "warn");
    const transparent = tooTransparentToJudge(image, "focus");
    if (transparent) return transparent;
    const score = normalisedStats(image).laplacianVariance;
    const verdict = gradeLow(score, fail, warn);
    const limit = verdict === "warn" ? warn : fail;
    const detail =
      verdict === "pass"
        ? `Laplacian variance ${fmt(score)} is above the warning level ${fmt(warn)}: the image is in focus.`
        : `Laplacian variance ${fmt(score)} is below the ${verdict === "fail" ? "failure" : "warning"} level ${fmt(limit)}: the image looks blurred.`;
    return outcome(verdict, { score, detail, threshold: limit }, "blur");
  },
};
