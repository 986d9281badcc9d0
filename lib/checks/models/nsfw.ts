import sharp from "sharp";
import { MAX_INPUT_PIXELS } from "../prepare";
import type { CheckContext, CheckModule, CheckOutcome, PreparedImage } from "../types";
import { limitsFor, verdictAbove } from "./limits";
import { modelPool } from "./pool";

/** The classifier's input side (MobileNetV2, 224×224 RGB) and its five classes, in output order. */
export const NSFW_INPUT_SIZE = 224;
export const NSFW_CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
export type NsfwProbabilities = Record<NsfwClass, number>;

/** How much of "Sexy" (suggestive, not explicit) counts towards the score. */
export const SEXY_SHARE = 0.5;

/**
 * The image as the classifier sees it: squashed to 224×224 (the model was trained on squashed,
 * not cropped, images), EXIF orientation applied, transparency flattened onto white, sRGB, 3 bytes
 * a pixel. sharp does the decode and resize on libuv's threads, off the JS thread.
 */
export async function nsfwInput(image: PreparedImage): Promise<Uint8Array> {
  // The shared decode's colour copy when there is one (no second decode); else decode the bytes.
  let pipeline = image.rgb
    ? sharp(image.rgb.data, { raw: { width: image.rgb.width, height: image.rgb.height, channels: 3 } })
    : sharp(image.bytes, { animated: false, limitInputPixels: MAX_INPUT_PIXELS }).autoOrient();
  if (!image.rgb && image.hasAlpha) pipeline = pipeline.flatten({ background: "#ffffff" });
  const { data, info } = await pipeline
    .resize(NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, { fit: "fill" })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== NSFW_INPUT_SIZE * NSFW_INPUT_SIZE * 3)
    throw new Error(`Expected 224×224 RGB, got ${info.width}×${info.height}×${info.channels}.`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Runs the classifier in its worker thread (the model stays loaded there between calls). */
export async function classifyNsfw(pixels: Uint8Array): Promise<{ probabilities: NsfwProbabilities; inferMs: number }> {
  return modelPool("nsfw").run({ op: "classify", pixels });
}

/** Porn + Hentai + a share of Sexy: the probability that the image is not safe for work. */
export function nsfwScore(p: NsfwProbabilities): number {
  return Math.min(1, p.Porn + p.Hentai + SEXY_SHARE * p.Sexy);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function judgeNsfw(p: NsfwProbabilities, limits: Record<string, number>): CheckOutcome {
  const score = nsfwScore(p);
  const { verdict, threshold } = verdictAbove(score, limits);
  const parts = `porn ${pct(p.Porn)}, hentai ${pct(p.Hentai)}, sexy ${pct(p.Sexy)}`;
  const detail =
    verdict === "pass"
      ? `NSFW score ${pct(score)} (${parts}) is below the warning level of ${pct(threshold)}.`
      : `NSFW score ${pct(score)} (${parts}) is at or above the ${verdict === "fail" ? "rejection" : "warning"} level of ${pct(threshold)}.`;
  return { score, verdict, detail, threshold, ...(verdict === "pass" ? {} : { reasonCode: "nsfw" }) };
}

export const nsfwCheck: CheckModule = {
  id: "nsfw",
  version: 1,
  group: "safety",
  label: "NSFW",
  description:
    "An image classifier (NSFWJS MobileNetV2) scores nudity and sexual content: porn + hentai + half of the suggestive class. At or above `fail` rejects; at or above `warn` goes to a person.",
  // Safety runs on every tier (drafts are approved unreviewed, so they warn as early as support). Clean photos score under 0.1.
  defaults: {
    draft: { fail: 0.5, warn: 0.25 },
    support: { fail: 0.5, warn: 0.25 },
    hero: { fail: 0.4, warn: 0.2 },
  },
  async run(image: PreparedImage, context: CheckContext): Promise<CheckOutcome> {
    const { probabilities } = await classifyNsfw(await nsfwInput(image));
    return judgeNsfw(probabilities, limitsFor(nsfwCheck, context));
  },
};
