import type { CheckModule } from "../types";
import { blockiness } from "./measures";
import { fmt, gradeHigh, outcome, threshold, thresholdsFor } from "./thresholds";

/**
 * JPEG-style 8×8 blocking at full resolution: mean step across block boundaries over the mean step
 * inside blocks (1 = no grid). Calibrated on the shipped photos: re-encodes at quality ≥ 75 score
 * ≤ 1.26, quality ≤ 10 ≥ 1.65. Quality 30 (faint blocking, labelled "not a reject" for support since
 * issue 20) reaches 1.56, so support fails from 1.6 (bench:checks calibrates 1.65 on its calibration part).
 */
export const artefactsCheck: CheckModule = {
  id: "artefacts",
  version: 2,
  group: "quality",
  label: "Compression artefacts",
  description:
    "8×8 blockiness: how much stronger luminance steps are across a JPEG-style block grid than inside the blocks (1.0 means no grid).",
  defaults: {
    support: { fail: 1.6, warn: 1.3 },
    hero: { fail: 1.4, warn: 1.25 },
  },
  async run(image, context) {
    const t = thresholdsFor(artefactsCheck, context);
    const fail = threshold(t, "fail");
    const warn = threshold(t, "warn");
    const score = blockiness(image.gray);
    const verdict = gradeHigh(score, fail, warn);
    const limit = verdict === "warn" ? warn : fail;
    const detail =
      verdict === "pass"
        ? `Blockiness ${fmt(score)} is under the warning level ${fmt(warn)}: no visible compression grid.`
        : `Blockiness ${fmt(score)} is over the ${verdict === "fail" ? "failure" : "warning"} level ${fmt(limit)}: 8×8 compression blocks are visible.`;
    return outcome(verdict, { score, detail, threshold: limit }, "compression_artefacts");
  },
};
