import type { CheckContext, CheckModule, CheckOutcome, PreparedImage } from "../types";
import { limitsFor, verdictAbove, verdictBelow } from "./limits";
import { ocrInput, recognizeWords, type OcrWord } from "./ocr";

/** A word counts as text (rather than a stray mark) from this many letters. */
export const MIN_LETTERS = 3;

const letterCount = (s: string) => s.match(/\p{L}/gu)?.length ?? 0;
const alnumCount = (s: string) => s.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
const quote = (words: OcrWord[], n = 5) =>
  words
    .slice(0, n)
    .map((w) => `"${w.text}"`)
    .join(", ") + (words.length > n ? ", …" : "");

/**
 * Does a word look like language (or a number) rather than letter soup? Surrounding punctuation is
 * ignored; a word must be one case pattern (UPPER, lower, Capitalised), carry a vowel from four
 * letters, and have no run of six consonants or of three identical letters. Numbers may carry a
 * currency sign, separators, a % or a short suffix (4K, 2nd).
 */
export function looksLikeWord(raw: string): boolean {
  const text = raw.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, (m) => (/^[$€£%]+$/u.test(m) ? m : ""));
  if (text === "") return true;
  if (/^[$€£]?\d+(?:[.,:/-]\d+)*(?:%|[a-z]{1,2})?$/iu.test(text)) return true;
  if (!/^\p{L}+(?:['’&-]\p{L}+)*$/u.test(text)) return false;
  const letters = text.replace(/[^\p{L}]/gu, "");
  if (!(
    letters === letters.toUpperCase() ||
    letters === letters.toLowerCase() ||
    letters.slice(1) === letters.slice(1).toLowerCase()
  ))
    return false;
  const lower = letters.toLowerCase();
  if (lower.length >= 4 && !/[aeiouy]/.test(lower)) return false;
  return !/[b-df-hj-np-tv-xz]{6}|(\p{L})\1\1/u.test(lower);
}

/** Text in an image whose prompt asked for none: the most confident word of MIN_LETTERS letters or more. */
export function judgeUnwantedText(words: OcrWord[], limits: Record<string, number>): CheckOutcome {
  const found = words.filter((w) => letterCount(w.text) >= MIN_LETTERS).sort((a, b) => b.confidence - a.confidence);
  const score = Math.round(found[0]?.confidence ?? 0);
  const { verdict, threshold } = verdictAbove(score, limits, { fail: "unwanted_fail", warn: "unwanted_warn" });
  const legible = found.filter((w) => w.confidence >= threshold);
  const detail =
    verdict === "pass"
      ? found.length === 0
        ? "No text found; the prompt asks for none."
        : `No word read with confidence ${threshold} or more (best ${score}); the prompt asks for no text.`
      : `Found text the prompt does not ask for: ${quote(legible)} (confidence up to ${score}, ${verdict === "fail" ? "rejected" : "flagged"} from ${threshold}).`;
  return { score, verdict, detail, threshold, ...(verdict === "pass" ? {} : { reasonCode: "unwanted_text" }) };
}

/**
 * Text the prompt asked for: its legibility, the confidence of the words weighted by their length,
 * where a word that is not word-shaped (letter soup) counts as 0. No text at all goes to a person:
 * the OCR cannot read every typeface, so it does not reject on absence alone.
 */
export function judgeWantedText(words: OcrWord[], limits: Record<string, number>): CheckOutcome {
  const names = { fail: "garbled_fail", warn: "garbled_warn" };
  const read = words.filter((w) => alnumCount(w.text) > 0);
  if (read.length === 0) {
    const threshold = limits[names.warn] ?? 0;
    return {
      score: 0,
      verdict: "warn",
      detail: "The prompt asks for text, but none could be read.",
      threshold,
      reasonCode: "garbled_text",
    };
  }
  let weight = 0;
  let sum = 0;
  const garbled: OcrWord[] = [];
  for (const w of read) {
    const n = alnumCount(w.text);
    const shaped = looksLikeWord(w.text);
    if (!shaped) garbled.push(w);
    weight += n;
    sum += n * (shaped ? w.confidence : 0);
  }
  const score = Math.round(sum / weight);
  const { verdict, threshold } = verdictBelow(score, limits, names);
  const soup = garbled.length ? `; not word-shaped: ${quote(garbled)}` : "";
  const detail =
    verdict === "pass"
      ? `Asked-for text reads cleanly: legibility ${score} (at least ${threshold} needed) over ${read.length} word${read.length === 1 ? "" : "s"}${soup}.`
      : `Asked-for text looks garbled: legibility ${score} is below ${threshold} over ${read.length} word${read.length === 1 ? "" : "s"}${soup}.`;
  return { score, verdict, detail, threshold, ...(verdict === "pass" ? {} : { reasonCode: "garbled_text" }) };
}

export function judgeText(words: OcrWord[], promptWantsText: boolean, limits: Record<string, number>): CheckOutcome {
  return promptWantsText ? judgeWantedText(words, limits) : judgeUnwantedText(words, limits);
}

export const textCheck: CheckModule = {
  id: "text",
  version: 1,
  group: "quality",
  label: "Text (OCR)",
  description:
    "Tesseract reads the image. When the prompt asks for no text, a word of 3+ letters read with confidence (0–100) at or above `unwanted_fail` rejects, at or above `unwanted_warn` goes to a person. When it asks for text, legibility (length-weighted word confidence, letter soup counting 0) below `garbled_fail` rejects, below `garbled_warn` goes to a person.",
  // Drafts skip it; support rejects only clearly legible stray text; hero is strict.
  defaults: {
    support: { unwanted_fail: 90, unwanted_warn: 75, garbled_fail: 40, garbled_warn: 65 },
    hero: { unwanted_fail: 80, unwanted_warn: 65, garbled_fail: 55, garbled_warn: 75 },
  },
  async run(image: PreparedImage, context: CheckContext): Promise<CheckOutcome> {
    const words = await recognizeWords(await ocrInput(image));
    return judgeText(words, context.promptWantsText, limitsFor(textCheck, context));
  },
};
