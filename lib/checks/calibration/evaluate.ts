import { classicalChecks, imageHash } from "../classical/index";
import { prepareImage } from "../prepare";
import type { CheckContext, CheckModule, CheckOutcome, HashRef, PreparedImage } from "../types";
import type { Tier } from "@/lib/presets";
import {
  buildCalibrationSet,
  forTier,
  LABELLED_CHECKS,
  labelledFor,
  type CalibrationItem,
  type LabelledCheck,
} from "./set";

/**
 * Scoring the classical checks on the calibration set. "fail" is the positive: an item labelled
 * "fail" must fail (with the labelled reason code where there is one), an item labelled "pass" must
 * not fail (a warn is allowed). Items without a label for a check are not scored for it.
 */
export type CheckMetrics = {
  check: LabelledCheck;
  positives: number;
  negatives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** Items scored wrongly: `<id> (<verdict>[ <reasonCode>], score)`. */
  errors: string[];
};

export type Scored = { item: CalibrationItem; outcomes: Map<string, CheckOutcome> };

const byId = new Map<string, CheckModule>(classicalChecks.map((c) => [c.id, c]));

/** Runs every labelled check on every item of the set (each item decoded once). */
export async function runCalibration({
  tier = "support",
  items,
  thresholds = {},
}: { tier?: Tier; items?: CalibrationItem[]; thresholds?: Record<string, number> } = {}): Promise<Scored[]> {
  const set = forTier(items ?? (await buildCalibrationSet()), tier);
  const prepared = new Map<string, PreparedImage>();
  for (const item of set) prepared.set(item.id, await prepareImage(item.bytes));
  const hashOf = (id: string): HashRef => {
    const image = prepared.get(id);
    if (!image) throw new Error(`Batch item ${id} is not in the set.`);
    return { id, hash: imageHash(image), label: id };
  };
  const scored: Scored[] = [];
  for (const item of set) {
    const image = prepared.get(item.id)!;
    const context: CheckContext = {
      tier,
      expected: { width: image.width, height: image.height },
      promptWantsText: false,
      prompt: "",
      batchHashes: item.batch.map(hashOf),
      referenceHashes: [],
      thresholds,
    };
    const outcomes = new Map<string, CheckOutcome>();
    for (const check of Object.keys(item.expected)) {
      const checkModule = byId.get(check);
      if (checkModule) outcomes.set(check, await checkModule.run(image, context));
    }
    scored.push({ item, outcomes });
  }
  return scored;
}

/** Precision and recall of one check over scored items. */
export function metricsFor(scored: Scored[], check: LabelledCheck): CheckMetrics {
  const { positives, negatives } = labelledFor(
    scored.map((s) => s.item),
    check,
  );
  const outcomeOf = (item: CalibrationItem) => scored.find((s) => s.item === item)!.outcomes.get(check)!;
  const describe = (item: CalibrationItem, o: CheckOutcome) =>
    `${item.id} (${o.verdict}${o.reasonCode ? ` ${o.reasonCode}` : ""}, ${o.score.toFixed(3)})`;
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const errors: string[] = [];
  for (const item of positives) {
    const o = outcomeOf(item);
    const reason = item.reason[check];
    if (o.verdict === "fail" && (!reason || o.reasonCode === reason)) truePositives++;
    else {
      falseNegatives++;
      // Failing for the wrong reason is a miss and a false alarm at once.
      if (o.verdict === "fail") falsePositives++;
      errors.push(describe(item, o));
    }
  }
  for (const item of negatives) {
    const o = outcomeOf(item);
    if (o.verdict === "fail") {
      falsePositives++;
      errors.push(describe(item, o));
    }
  }
  const flagged = truePositives + falsePositives;
  return {
    check,
    positives: positives.length,
    negatives: negatives.length,
    truePositives,
    falsePositives,
    falseNegatives,
    precision: flagged === 0 ? (positives.length === 0 ? 1 : 0) : truePositives / flagged,
    recall: positives.length === 0 ? 1 : truePositives / positives.length,
    errors,
  };
}

/** Precision and recall per labelled check on the calibration set. */
export async function evaluateClassicalChecks(
  options: { tier?: Tier; items?: CalibrationItem[]; thresholds?: Record<string, number> } = {},
): Promise<CheckMetrics[]> {
  const scored = await runCalibration(options);
  return LABELLED_CHECKS.map((check) => metricsFor(scored, check));
}
