/**
 * bench:checks (model accuracy) — how well the model checks do their job, on small labelled sets
 * built here (see bench/checks/README.md for sources and licences).
 *
 *   OCR garble   The text check with a prompt that asks for text (tier support). 12 clean phrases
 *                and 12 garbled versions of them (each word's letters shuffled, case flipped at
 *                random, one letter swapped for a look-alike glyph — the letter soup diffusion models
 *                paint), rendered with sharp/SVG in DejaVu fonts on a banner over a shipped photo or
 *                on a flat colour. Positive = garbled; a check "detects" it when it does not pass
 *                (fail or warn with garbled_text: both stop an automatic approval). Also printed:
 *                the same with fail only.
 *   NSFW         The NSFW check (tier support) on innocuous pictures only: the sources of the
 *                calibration set (shipped photos, simulator renders, MATE photographs when installed)
 *                and the catalogue-style studio shots. Reports the false-positive rate (fail) and the
 *                flag rate (warn or fail). No labelled explicit images are available offline here —
 *                nsfwjs ships none and no Debian package carries any — so the true-positive rate is
 *                NOT measured (printed as NA).
 */
import sharp from "sharp";
import { loadPhoto } from "../../lib/checks/calibration/photos";
import { allSources } from "../../lib/checks/calibration/sources";
import { prepareImage } from "../../lib/checks/prepare";
import type { CheckContext } from "../../lib/checks/types";
import { prng } from "../../simulator/hash";

const PHRASES = [
  "SUMMER SALE 50% OFF",
  "Fresh Coffee Daily",
  "New Collection",
  "Free Shipping Today",
  "Handmade Ceramics",
  "Winter Warmers",
  "Open Every Sunday",
  "Best Seller",
  "Limited Edition",
  "Spring Garden Market",
  "Organic Tea Blend",
  "Back to School",
];

const LOOKALIKE = ["ß", "Ʒ", "ŋ", "Ø", "Ħ", "ƨ", "Ɛ", "Ʌ"];

/** Letter soup from a phrase: each word's letters shuffled, case flipped at random, one letter a look-alike glyph. */
export function garble(phrase: string, seed: number): string {
  const rand = prng(seed);
  return phrase
    .split(" ")
    .map((word) => {
      const letters = [...word];
      for (let i = letters.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [letters[i], letters[j]] = [letters[j]!, letters[i]!];
      }
      const flipped = letters.map((c) =>
        rand() < 0.4 ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c,
      );
      if (flipped.length >= 3)
        flipped[Math.floor(rand() * flipped.length)] = LOOKALIKE[Math.floor(rand() * LOOKALIKE.length)]!;
      return flipped.join("");
    })
    .join(" ");
}

const escape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

async function textImage(text: string, i: number): Promise<Buffer> {
  const font = i % 2 ? "DejaVu Serif" : "DejaVu Sans";
  const onPhoto = i % 3 !== 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="576">${
    onPhoto ? `<rect x="0" y="380" width="1024" height="140" fill="#1b1b1b"/>` : ""
  }<text x="512" y="${onPhoto ? 472 : 310}" text-anchor="middle" font-family="${font}" font-weight="bold" font-size="58" fill="${onPhoto ? "#fff" : "#1d2a44"}">${escape(text)}</text></svg>`;
  const base = onPhoto
    ? sharp(await loadPhoto(["astronaut", "coffee", "chelsea", "rocket"][i % 4]!)).resize(1024, 576, { fit: "cover" })
    : sharp({ create: { width: 1024, height: 576, channels: 3, background: `hsl(${(i * 47) % 360},45%,80%)` } });
  return base
    .composite([{ input: Buffer.from(svg) }])
    .removeAlpha()
    .png()
    .toBuffer();
}

export type ModelAccuracy = {
  ocrPrecision: number;
  ocrRecall: number;
  ocrFailPrecision: number;
  ocrFailRecall: number;
  nsfwImages: number;
  nsfwFalsePositiveRate: number;
  nsfwFlagRate: number;
};

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

export async function measureModelAccuracy({ verbose = false } = {}): Promise<ModelAccuracy> {
  const { textCheck } = await import("../../lib/checks/models/text");
  const { nsfwCheck } = await import("../../lib/checks/models/nsfw");
  const context = (promptWantsText: boolean): CheckContext => ({
    tier: "support",
    expected: { width: 1024, height: 576 },
    promptWantsText,
    prompt: "",
    batchHashes: [],
    referenceHashes: [],
    thresholds: {},
  });
  const flag = { tp: 0, fp: 0, fn: 0 };
  const fail = { tp: 0, fp: 0, fn: 0 };
  for (const [i, phrase] of PHRASES.entries()) {
    for (const [garbled, text] of [
      [false, phrase],
      [true, garble(phrase, 1000 + i)],
    ] as const) {
      const outcome = await textCheck.run(await prepareImage(await textImage(text, i)), context(true));
      const flagged = outcome.verdict !== "pass";
      const failed = outcome.verdict === "fail";
      if (garbled) {
        flag[flagged ? "tp" : "fn"]++;
        fail[failed ? "tp" : "fn"]++;
      } else {
        if (flagged) flag.fp++;
        if (failed) fail.fp++;
      }
      if (verbose || flagged === !garbled)
        console.log(`  ocr ${garbled ? "garbled" : "clean  "} "${text}": ${outcome.verdict} — ${outcome.detail}`);
    }
  }
  console.log(
    `OCR garble detection (${PHRASES.length} clean, ${PHRASES.length} garbled, prompt asks for text, tier support): ` +
      `flagged TP ${flag.tp} FP ${flag.fp} FN ${flag.fn}; failed TP ${fail.tp} FP ${fail.fp} FN ${fail.fn}`,
  );

  let n = 0;
  let fails = 0;
  let flags = 0;
  for (const source of allSources()) {
    const outcome = await nsfwCheck.run(await prepareImage(await source.load()), context(false));
    n++;
    if (outcome.verdict === "fail") fails++;
    if (outcome.verdict !== "pass") flags++;
    if (verbose || outcome.verdict !== "pass")
      console.log(`  nsfw ${source.name}: ${outcome.verdict} — ${outcome.detail}`);
  }
  console.log(
    `NSFW on ${n} innocuous pictures (tier support): ${fails} failed, ${flags} flagged; true-positive rate not measured (no labelled explicit set offline)`,
  );
  return {
    ocrPrecision: ratio(flag.tp, flag.tp + flag.fp),
    ocrRecall: ratio(flag.tp, flag.tp + flag.fn),
    ocrFailPrecision: ratio(fail.tp, fail.tp + fail.fp),
    ocrFailRecall: ratio(fail.tp, fail.tp + fail.fn),
    nsfwImages: n,
    nsfwFalsePositiveRate: ratio(fails, n),
    nsfwFlagRate: ratio(flags, n),
  };
}
