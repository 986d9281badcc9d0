import type { CheckModule } from "../types";
import { outcome, pct, threshold, thresholdsFor } from "./thresholds";

/**
 * Output size against the size the preset asked for: exact → pass; the same aspect ratio (within
 * `aspect_tolerance`, relative) at another size → warn (it can be rescaled); another aspect → fail.
 * Score: the relative aspect-ratio difference.
 */
export const sizeCheck: CheckModule = {
  id: "size",
  version: 2,
  group: "quality",
  label: "Size and aspect ratio",
  description:
    "The image's pixel size against the preset's (for an edited version, the size the edit intends: an upscale's factor × its source); another size with the same aspect ratio warns, another aspect ratio fails.",
  defaults: {
    support: { aspect_tolerance: 0.01 },
    hero: { aspect_tolerance: 0.005 },
  },
  async run(image, context) {
    const t = thresholdsFor(sizeCheck, context);
    const tolerance = threshold(t, "aspect_tolerance");
    const { width: ew, height: eh } = context.expected;
    const actual = `${image.width}×${image.height}`;
    const expected = `${ew}×${eh}`;
    const who = context.expectedFrom ?? "the preset";
    if (!(ew > 0 && eh > 0)) throw new Error(`Expected size ${expected} is not a size.`);
    const score = Math.abs(image.width / image.height / (ew / eh) - 1);
    if (image.width === ew && image.height === eh)
      return {
        verdict: "pass",
        score,
        threshold: tolerance,
        detail: `The image is ${actual}, the size ${who} asked for.`,
      };
    const verdict = score <= tolerance ? "warn" : "fail";
    const detail =
      verdict === "warn"
        ? `The image is ${actual}, not the ${expected} ${who} asked for, with the same aspect ratio (off by ${pct(score)}, tolerance ${pct(tolerance)}).`
        : `The image is ${actual} but ${who} asked for ${expected}: the aspect ratio is off by ${pct(score)} (tolerance ${pct(tolerance)}).`;
    return outcome(verdict, { score, detail, threshold: tolerance }, "wrong_size");
  },
};
