import type { CheckModule, CheckOutcome, Verdict } from "../types";
import { histogramStats, normalisedStats, tooTransparentToJudge } from "./derive";
import { fmt, pct, threshold, thresholdsFor } from "./thresholds";

/** Grey levels counted as clipped: pure black-ish (≤ 5) and blown-out white-ish (≥ 250). */
const BLACK_MAX = 5;
const WHITE_MIN = 250;

export type ExposureStats = {
  /** Share of pixels at or above WHITE_MIN. */
  whiteClip: number;
  /** Share of pixels at or below BLACK_MAX. */
  blackClip: number;
  /** Grey level below which 99 % of the pixels lie: where the image's highlights reach. */
  highlight: number;
  /** Tonal range: 99th minus 1st percentile grey level. */
  range: number;
  /** RMS contrast: standard deviation of the grey levels over 255. */
  rmsContrast: number;
  mean: number;
};

export function exposureStats(bins: Uint32Array): ExposureStats {
  const { n, mean, std } = histogramStats(bins);
  let white = 0;
  let black = 0;
  for (let v = WHITE_MIN; v < 256; v++) white += bins[v]!;
  for (let v = 0; v <= BLACK_MAX; v++) black += bins[v]!;
  const low = percentile(bins, n, 0.01);
  const highlight = percentile(bins, n, 0.99);
  return {
    whiteClip: white / n,
    blackClip: black / n,
    highlight,
    range: highlight - low,
    rmsContrast: std / 255,
    mean,
  };
}

function percentile(bins: Uint32Array, n: number, p: number): number {
  const target = p * n;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += bins[v]!;
    if (seen >= target) return v;
  }
  return 255;
}

type Finding = {
  reasonCode: string;
  verdict: Verdict;
  score: number;
  threshold: number;
  severity: number;
  what: string;
};

/**
 * Exposure from the full-resolution histogram, three ways:
 * - overexposed: share of blown-out pixels (≥ 250) above `over_fail`/`over_warn`;
 * - underexposed: the 99th-percentile level (how bright the highlights get) below `under_fail`/`under_warn`,
 *   or a share of crushed-black pixels (≤ 5) above `crush_fail`/`crush_warn`;
 * - low_contrast: the 1–99 % tonal range below `contrast_fail`/`contrast_warn` grey levels.
 * RMS contrast is reported too, but not used for the verdict: on the calibration set it ranks a naturally soft
 * photo below a washed-out punchy one, where the tonal range keeps them apart. Blown highlights outrank the
 * other two findings (a white-out also has no range); otherwise the finding furthest past its threshold wins.
 *
 * Calibrated on the shipped photos (normalised 512-px copy): acceptable images have ≤ 5.4 % blown pixels,
 * highlights ≥ 155 and a range ≥ 80; +2/+3 EV copies ≥ 11.5 % blown, −2/−3 EV highlights ≤ 133, contrast
 * cut to ≤ 0.2 a range ≤ 50. The crushed-black rule has no positive in the set (acceptable photos reach 15 %).
 */
export const exposureCheck: CheckModule = {
  id: "exposure",
  version: 2,
  group: "quality",
  label: "Exposure and contrast",
  description:
    "Blown-out highlights, dark images (highlights that never get bright, or crushed shadows) and washed-out tonal range, from the grey-level histogram of the opaque pixels (a cut-out's transparent area does not count).",
  defaults: {
    support: {
      over_fail: 0.08,
      over_warn: 0.04,
      under_fail: 145,
      under_warn: 165,
      crush_fail: 0.5,
      crush_warn: 0.3,
      contrast_fail: 64,
      contrast_warn: 90,
    },
    hero: {
      over_fail: 0.065,
      over_warn: 0.03,
      under_fail: 150,
      under_warn: 170,
      crush_fail: 0.4,
      crush_warn: 0.25,
      contrast_fail: 70,
      contrast_warn: 100,
    },
  },
  async run(image, context) {
    const t = thresholdsFor(exposureCheck, context);
    const transparent = tooTransparentToJudge(image, "exposure");
    if (transparent) return transparent;
    const s = exposureStats(normalisedStats(image).histogram);
    const findings: Finding[] = [];
    const high = (reasonCode: string, score: number, fail: number, warn: number, what: string) => {
      if (score > fail)
        findings.push({
          reasonCode,
          verdict: "fail",
          score,
          threshold: fail,
          severity: score / Math.max(fail, 1e-9),
          what,
        });
      else if (score > warn)
        findings.push({
          reasonCode,
          verdict: "warn",
          score,
          threshold: warn,
          severity: score / Math.max(warn, 1e-9),
          what,
        });
    };
    const low = (reasonCode: string, score: number, fail: number, warn: number, what: string) => {
      if (score < fail)
        findings.push({
          reasonCode,
          verdict: "fail",
          score,
          threshold: fail,
          severity: fail / Math.max(score, 1),
          what,
        });
      else if (score < warn)
        findings.push({
          reasonCode,
          verdict: "warn",
          score,
          threshold: warn,
          severity: warn / Math.max(score, 1),
          what,
        });
    };
    high(
      "overexposed",
      s.whiteClip,
      threshold(t, "over_fail"),
      threshold(t, "over_warn"),
      `${pct(s.whiteClip)} of the pixels are blown out to white`,
    );
    low(
      "underexposed",
      s.highlight,
      threshold(t, "under_fail"),
      threshold(t, "under_warn"),
      `the highlights only reach grey level ${s.highlight}`,
    );
    high(
      "underexposed",
      s.blackClip,
      threshold(t, "crush_fail"),
      threshold(t, "crush_warn"),
      `${pct(s.blackClip)} of the pixels are crushed to black`,
    );
    low(
      "low_contrast",
      s.range,
      threshold(t, "contrast_fail"),
      threshold(t, "contrast_warn"),
      `the tonal range spans only ${s.range} grey levels`,
    );
    const summary = `white ${pct(s.whiteClip)}, black ${pct(s.blackClip)}, highlights ${s.highlight}, range ${s.range}, RMS contrast ${fmt(s.rmsContrast)}`;
    const worst = pickWorst(findings);
    if (!worst)
      return {
        verdict: "pass",
        score: s.range,
        threshold: threshold(t, "contrast_warn"),
        detail: `Exposure and contrast are within limits (${summary}).`,
      };
    const limit = worst.verdict === "fail" ? "failure" : "warning";
    const result: CheckOutcome = {
      verdict: worst.verdict,
      reasonCode: worst.reasonCode,
      score: worst.score,
      threshold: worst.threshold,
      detail: `${capitalise(worst.what)}, past the ${limit} level ${fmtThreshold(worst)} (${summary}).`,
    };
    return result;
  },
};

function pickWorst(findings: Finding[]): Finding | undefined {
  const rank = (f: Finding) => (f.verdict === "fail" ? 2 : 1);
  return [...findings].sort(
    (a, b) =>
      rank(b) - rank(a) ||
      Number(b.reasonCode === "overexposed") - Number(a.reasonCode === "overexposed") ||
      b.severity - a.severity,
  )[0];
}

const fmtThreshold = (f: Finding) => (f.threshold < 1 ? pct(f.threshold) : String(f.threshold));
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
