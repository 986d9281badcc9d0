import type { CheckModule, HashRef } from "../types";
import { hammingDistance, imageHash } from "./phash";
import { outcome, threshold, thresholdsFor } from "./thresholds";

/** The nearest hash to `hash` among `refs` (undefined when there are none). */
export function nearest(hash: string, refs: HashRef[]): { ref: HashRef; distance: number } | undefined {
  let best: { ref: HashRef; distance: number } | undefined;
  for (const ref of refs) {
    const distance = hammingDistance(hash, ref.hash);
    if (!best || distance < best.distance) best = { ref, distance };
  }
  return best;
}

/**
 * Near-duplicates within a batch: pHash Hamming distance (of 64 bits) to the closest earlier image.
 * Calibrated on the shipped photos: small crops + rescale + brightness/JPEG changes of one photo sit at
 * 4–14 bits from it (one texture crop at 22), different photos at ≥ 20.
 */
export const duplicateCheck: CheckModule = {
  id: "duplicate",
  version: 1,
  group: "consistency",
  label: "Near-duplicate",
  description:
    "Perceptual-hash (pHash) distance to the closest earlier image of the same batch, in bits of 64; small distances mean the same picture.",
  defaults: {
    support: { fail: 14, warn: 18 },
    hero: { fail: 16, warn: 20 },
  },
  async run(image, context) {
    const t = thresholdsFor(duplicateCheck, context);
    const fail = threshold(t, "fail");
    const warn = threshold(t, "warn");
    const closest = nearest(imageHash(image), context.batchHashes);
    if (!closest)
      return { verdict: "pass", score: 64, threshold: fail, detail: "No earlier image in the batch to compare with." };
    const { ref, distance } = closest;
    const verdict = distance <= fail ? "fail" : distance <= warn ? "warn" : "pass";
    const limit = verdict === "pass" ? warn : verdict === "warn" ? warn : fail;
    const detail =
      verdict === "fail"
        ? `Near-duplicate of "${ref.label}": ${distance} of 64 hash bits differ (duplicate at ≤ ${fail}).`
        : verdict === "warn"
          ? `Very similar to "${ref.label}": ${distance} of 64 hash bits differ (warning at ≤ ${warn}).`
          : `Closest earlier image is "${ref.label}" at ${distance} of 64 hash bits, above the warning level ${warn}.`;
    return outcome(verdict, { score: distance, detail, threshold: limit }, "duplicate");
  },
};
