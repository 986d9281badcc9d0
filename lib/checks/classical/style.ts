import type { CheckModule } from "../types";
import { nearest } from "./duplicate";
import { imageHash } from "./phash";
import { outcome, threshold, thresholdsFor } from "./thresholds";

/**
 * Consistency with the preset's approved references: pHash Hamming distance to the nearest one; a
 * warning (never a failure) when it is farther than `warn` bits. pHash compares overall layout and
 * tonal structure, not style in the artistic sense, so this only flags outputs unlike every reference.
 * Not calibrated on data (different unrelated photos sit at 20–32 bits from each other).
 */
export const styleCheck: CheckModule = {
  id: "style",
  version: 1,
  group: "consistency",
  label: "Style consistency",
  description:
    "Perceptual-hash distance to the nearest approved reference image of the preset; far from all of them warns.",
  defaults: {
    support: { warn: 28 },
    hero: { warn: 24 },
  },
  async run(image, context) {
    const t = thresholdsFor(styleCheck, context);
    const warn = threshold(t, "warn");
    const closest = nearest(imageHash(image), context.referenceHashes);
    if (!closest) return { verdict: "pass", score: 0, threshold: warn, detail: "no reference images" };
    const { ref, distance } = closest;
    const verdict = distance > warn ? "warn" : "pass";
    const detail =
      verdict === "warn"
        ? `Unlike every reference image: the nearest, "${ref.label}", is ${distance} of 64 hash bits away (warning above ${warn}).`
        : `Close to reference "${ref.label}": ${distance} of 64 hash bits differ (warning above ${warn}).`;
    return outcome(verdict, { score: distance, detail, threshold: warn }, "off_style");
  },
};
