import { dominantShare } from "../classical/blank";
import { normalisedStats } from "../classical/derive";
import { duplicateCheck, duplicateDistance } from "../classical/duplicate";
import { imageExposure } from "../classical/exposure";
import { blockiness } from "../classical/measures";
import { imageHash } from "../classical/phash";
import { prepareImage } from "../prepare";
import type { HashRef, PreparedImage } from "../types";
import { forTier, type CalibrationItem, type LabelledCheck } from "./set";

/**
 * Threshold calibration from labelled items: for each failure threshold, the measure the check
 * compares with it, computed once per item, and the value that best separates the items that must
 * fail from those that must not. Only the items handed in are read (the bench hands in the
 * calibration part; the held-out part is scored afterwards with the result).
 */
type Param = {
  check: LabelledCheck;
  /** Threshold name, as in the check's defaults (`<check>.<name>` overrides). */
  name: string;
  /** "high": the check fails a score above the threshold; "low": below it; "at-most": at or below it (integer). */
  fails: "high" | "low" | "at-most";
  /** For exposure: the reason code its positives carry (a positive for another reason is not one here). */
  reason?: string;
  /** Integer measures get an integer threshold. */
  integer?: boolean;
  measure(image: PreparedImage, batch: HashRef[]): number;
};

const exposure = imageExposure;

export const CALIBRATED: Param[] = [
  { check: "sharpness", name: "fail", fails: "low", measure: (i) => normalisedStats(i).focus },
  { check: "artefacts", name: "fail", fails: "high", measure: (i) => blockiness(i.gray) },
  { check: "blank", name: "fail", fails: "high", measure: (i) => dominantShare(normalisedStats(i).histogram) },
  {
    check: "duplicate",
    name: "fail",
    fails: "at-most",
    integer: true,
    // The colour gate stays at the check's default (the same on both tiers).
    measure: (i, batch) => duplicateDistance(imageHash(i), batch, duplicateCheck.defaults.support!.colour!),
  },
  { check: "exposure", name: "over_fail", fails: "high", reason: "overexposed", measure: (i) => exposure(i).blown },
  {
    check: "exposure",
    name: "under_fail",
    fails: "low",
    reason: "underexposed",
    integer: true,
    measure: (i) => exposure(i).highlight,
  },
  {
    check: "exposure",
    name: "contrast_fail",
    fails: "low",
    reason: "low_contrast",
    integer: true,
    measure: (i) => exposure(i).range,
  },
];

export type Calibrated = {
  key: string;
  value: number;
  positives: number;
  negatives: number;
  /** On the calibration items, at the chosen value. */
  truePositives: number;
  falsePositives: number;
};

const failsAt = (p: Pick<Param, "fails">, score: number, t: number) =>
  p.fails === "high" ? score > t : p.fails === "low" ? score < t : score <= t;

/**
 * Picks each threshold: among the midpoints between neighbouring measured values, the one with the
 * best min(precision, recall) on the items, then the best F1, then the widest gap to the nearest
 * item on either side (the margin a new picture gets). Integer measures round the midpoint the way
 * that keeps the same items on each side, so the margin is split evenly there too.
 */
export async function calibrateThresholds(all: CalibrationItem[], tier = "support"): Promise<Calibrated[]> {
  const items = forTier(all, tier);
  const prepared = new Map<string, PreparedImage>();
  for (const item of items) prepared.set(item.id, await prepareImage(item.bytes));
  const hashRefs = (item: CalibrationItem): HashRef[] =>
    item.batch.filter((id) => prepared.has(id)).map((id) => ({ id, hash: imageHash(prepared.get(id)!), label: id }));
  const out: Calibrated[] = [];
  for (const p of CALIBRATED) {
    const pos: number[] = [];
    const neg: number[] = [];
    for (const item of items) {
      const label = item.expected[p.check];
      if (!label) continue;
      if (label === "fail" && p.reason && item.reason[p.check] !== p.reason) continue;
      const score = p.measure(prepared.get(item.id)!, p.check === "duplicate" ? hashRefs(item) : []);
      (label === "fail" ? pos : neg).push(score);
    }
    const t = pickThreshold(p, pos, neg);
    out.push({
      key: `${p.check}.${p.name}`,
      value: t,
      positives: pos.length,
      negatives: neg.length,
      truePositives: pos.filter((s) => failsAt(p, s, t)).length,
      falsePositives: neg.filter((s) => failsAt(p, s, t)).length,
    });
  }
  return out;
}

/**
 * The threshold that best separates the scores of items that must fail (pos) from those that must
 * not (neg), as calibrateThresholds describes; NaN when there are fewer than two distinct scores.
 */
export function pickThreshold(p: Pick<Param, "fails" | "integer">, pos: number[], neg: number[]): number {
  const values = [...new Set([...pos, ...neg])].sort((a, b) => a - b);
  let best: { t: number; key: number[] } | undefined;
  for (let i = 0; i + 1 < values.length; i++) {
    const lo = values[i]!;
    const hi = values[i + 1]!;
    let t = (lo + hi) / 2;
    // Integer measures: the integer nearest the midpoint that keeps lo and hi on their sides
    // (at-most: fail ≤ t, so lo ≤ t < hi; low: fail < t, so lo < t ≤ hi). Rounding to an end of
    // the gap instead (t = lo or hi) would put the threshold at the last calibration item, with
    // no margin for a new picture on that side.
    if (p.integer) t = p.fails === "at-most" ? Math.floor(t) : Math.ceil(t);
    const tp = pos.filter((s) => failsAt(p, s, t)).length;
    const fp = neg.filter((s) => failsAt(p, s, t)).length;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = pos.length === 0 ? 0 : tp / pos.length;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const key = [Math.min(precision, recall), f1, (hi - lo) / Math.max(Math.abs(hi), Math.abs(lo), 1e-9)];
    if (!best || greater(key, best.key)) best = { t, key };
  }
  return best?.t ?? NaN;
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}
