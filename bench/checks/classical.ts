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
import { evaluateClassicalChecks, type CheckMetrics } from "../../lib/checks/calibration/evaluate";
import { loadPhoto } from "../../lib/checks/calibration/photos";
import type { LabelledCheck } from "../../lib/checks/calibration/set";
import { classicalChecks, imageHash } from "../../lib/checks/classical/index";
import { prepareImage } from "../../lib/checks/prepare";
import type { CheckContext, HashRef } from "../../lib/checks/types";

export { evaluateClassicalChecks, type CheckMetrics };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The checks the targets apply to (precision and recall ≥ 0.95 each). */
export const SCORED_CHECKS = [
  "sharpness",
  "exposure",
  "artefacts",
  "duplicate",
] as const satisfies readonly LabelledCheck[];

/** A 1024×1024 PNG made from a shipped photo, encoded like the pipeline stores originals. */
export async function benchImage(): Promise<Buffer> {
  const photo = await loadPhoto("coffee");
  return sharp(photo).resize(1024, 1024, { fit: "cover" }).png({ compressionLevel: 3 }).toBuffer();
}

export type RatioResult = { floorMs: number; classicMs: number; ratio: number; runs: number };

/** classic_ratio: (prepareImage + all classical checks + pHash) ÷ (sharp decode + resize), medians of interleaved runs. */
export async function measureClassicRatio({
  runs = 21,
  warmup = 5,
  bytes,
}: { runs?: number; warmup?: number; bytes?: Buffer } = {}): Promise<RatioResult> {
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
