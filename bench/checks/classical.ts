/**
 * Classical checks on the calibration set, and what they cost per image.
 *
 *   precision / recall   per check, "fail" is the positive: an item labelled "fail" must fail (with the
 *                        labelled reason code where there is one), an item labelled "pass" must not fail
 *                        (a warn is allowed). Unlabelled items are not scored. Tier "support" by default.
 *   classic_ratio        on a 1024×1024 PNG (stored like the pipeline stores originals): median of
 *                        prepareImage + every classical check + the pHash to store, sharing the one decode,
 *                        over the median of the floor (sharp decode + resize to 512 px of the same bytes).
 *                        Runs are interleaved so both see the same machine load, after a warm-up.
 */
import sharp from "sharp";
import { buildCalibrationSet, labelledFor, type CalibrationItem, type LabelledCheck } from "../../lib/checks/calibration/set";
import { loadPhoto } from "../../lib/checks/calibration/photos";
import { classicalChecks, imageHash } from "../../lib/checks/classical/index";
import { prepareImage } from "../../lib/checks/prepare";
import type { CheckContext, CheckModule, CheckOutcome, HashRef, PreparedImage } from "../../lib/checks/types";
import type { Tier } from "../../lib/presets/index";

/** The checks the targets apply to (precision and recall ≥ 0.95 each). */
export const SCORED_CHECKS = ["sharpness", "exposure", "artefacts", "duplicate"] as const satisfies readonly LabelledCheck[];

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

type Scored = { item: CalibrationItem; outcomes: Map<string, CheckOutcome> };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const byId = new Map<string, CheckModule>(classicalChecks.map((c) => [c.id, c]));

/** Runs every labelled check on every item of the set (each item decoded once). */
export async function runCalibration({ tier = "support", items }: { tier?: Tier; items?: CalibrationItem[] } = {}): Promise<Scored[]> {
  const set = items ?? (await buildCalibrationSet());
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
      thresholds: {},
    };
    const outcomes = new Map<string, CheckOutcome>();
    for (const check of Object.keys(item.expected)) {
      const module = byId.get(check);
      if (module) outcomes.set(check, await module.run(image, context));
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
  const describe = (item: CalibrationItem, o: CheckOutcome) => `${item.id} (${o.verdict}${o.reasonCode ? ` ${o.reasonCode}` : ""}, ${o.score.toFixed(3)})`;
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
export async function evaluateClassicalChecks(options: { tier?: Tier; items?: CalibrationItem[] } = {}): Promise<CheckMetrics[]> {
  const scored = await runCalibration(options);
  return (["sharpness", "exposure", "artefacts", "duplicate", "blank"] as const).map((check) => metricsFor(scored, check));
}

/** A 1024×1024 PNG made from a shipped photo, encoded like the pipeline stores originals. */
export async function benchImage(): Promise<Buffer> {
  const photo = await loadPhoto("coffee");
  return sharp(photo).resize(1024, 1024, { fit: "cover" }).png({ compressionLevel: 3 }).toBuffer();
}

export type RatioResult = { floorMs: number; classicMs: number; ratio: number; runs: number };

/** classic_ratio: (prepareImage + all classical checks + pHash) ÷ (sharp decode + resize), medians of interleaved runs. */
export async function measureClassicRatio({ runs = 21, warmup = 5, bytes }: { runs?: number; warmup?: number; bytes?: Buffer } = {}): Promise<RatioResult> {
  const image = bytes ?? (await benchImage());
  const meta = await sharp(image).metadata();
  // A realistic batch: eight earlier images and four references to compare with.
  const refs: HashRef[] = [];
  for (const [i, name] of ["astronaut", "camera", "chelsea", "rocket", "coins", "brick", "grass", "gravel"].entries()) {
    refs.push({ id: name, hash: imageHash(await prepareImage(await loadPhoto(name))), label: `image ${i + 1}` });
  }
  const context: CheckContext = {
    tier: "hero",
    expected: { width: meta.width!, height: meta.height! },
    promptWantsText: false,
    prompt: "",
    batchHashes: refs,
    referenceHashes: refs.slice(0, 4),
    thresholds: {},
  };
  const floor = () => sharp(image).resize(512, 512, { fit: "inside" }).raw().toBuffer();
  const classic = async () => {
    const prepared = await prepareImage(image);
    for (const check of classicalChecks) await check.run(prepared, context);
    return imageHash(prepared);
  };
  for (let i = 0; i < warmup; i++) {
    await floor();
    await classic();
  }
  const floors: number[] = [];
  const classics: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await floor();
    floors.push(performance.now() - t);
    t = performance.now();
    await classic();
    classics.push(performance.now() - t);
  }
  const floorMs = median(floors);
  const classicMs = median(classics);
  return { floorMs, classicMs, ratio: classicMs / floorMs, runs };
}
