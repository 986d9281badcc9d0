/**
 * Normalisation for banned-term matching. Matching happens on token streams, never on raw text:
 *   pass "word":      normalised tokens (letters/digits); a term must match whole tokens.
 *   pass "collapsed": spacing tricks undone ("n u d e", "n.u.d.e", "nu.de"); a term must still start and
 *                     end on a token boundary, which is what keeps "Scunthorpe", "class", "therapist" clean.
 */

// Look-alikes of Latin letters. Upper-case forms are mapped before lower-casing, because lower-casing
// changes their shape (Greek Η looks like H, its lower-case η like n).
// prettier-ignore
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  А: "a", В: "b", Е: "e", К: "k", М: "m", Н: "h", О: "o", Р: "p", С: "c", Т: "t", Х: "x", У: "y", Ѕ: "s", І: "i", Ј: "j", Ԁ: "d",
  а: "a", в: "b", е: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", х: "x", у: "y", ѕ: "s", і: "i", ј: "j", ԁ: "d", ӏ: "l", һ: "h", ԛ: "q", ԝ: "w",
  // Greek
  Α: "a", Β: "b", Ε: "e", Ζ: "z", Η: "h", Ι: "i", Κ: "k", Μ: "m", Ν: "n", Ο: "o", Ρ: "p", Τ: "t", Υ: "y", Χ: "x",
  α: "a", β: "b", γ: "y", ε: "e", η: "n", ι: "i", κ: "k", μ: "u", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w",
  // Latin letters that do not decompose, and IPA look-alikes
  ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ł: "l", ı: "i", ħ: "h", ɑ: "a", ɡ: "g", ɩ: "i",
};
const CONFUSABLE_PATTERN = new RegExp(`[${Object.keys(CONFUSABLES).join("")}]`, "gu");

/** Applied only inside tokens that contain a letter, so "2024" and "50 mm" stay numbers. */
const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };
const LEET_PATTERN = /[013457@$]/g;

// Zero-width and other default-ignorable characters (ZWSP, ZWJ, soft hyphen, variation selectors, tags)
// and a few blank-looking letters; removed outright so "nu\u200Bde" becomes "nude".
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800\u3164\uFFA0\u115F\u1160]/gu;
// Apostrophes inside words are dropped ("don't" → "dont") so they do not split off one-letter tokens.
const APOSTROPHE = /(?<=\p{L})['’ʼ`](?=\p{L})/gu;
const TOKEN = /[\p{L}\p{N}@$]+/gu;

/** Character-level normalisation: invisibles, NFKC, confusables, lower case, diacritics. */
export function normaliseChars(text: string): string {
  return text
    .replace(INVISIBLE, "")
    .normalize("NFKC")
    .replace(CONFUSABLE_PATTERN, (c) => CONFUSABLES[c]!)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(CONFUSABLE_PATTERN, (c) => CONFUSABLES[c]!)
    .replace(APOSTROPHE, "");
}

function deLeet(token: string): string {
  return /\p{L}/u.test(token) ? token.replace(LEET_PATTERN, (c) => LEET[c]!) : token;
}

/** A matching unit: one token, or a run of single-character tokens glued back together ("n u d e"). */
export type Unit = {
  text: string;
  /** True when glued from a run of single characters. */
  spaced: boolean;
  /** How many original tokens it covers. */
  tokens: number;
  /** Separator text before it ("" for the first unit). */
  gapBefore: string;
};

export type Analysed = { words: string[]; units: Unit[] };

/** Longest separator still treated as a spacing trick between single letters ("n . u"). */
const MAX_SPACED_GAP = 3;

/** Tokenises normalised text into words (pass "word") and units (pass "collapsed"). */
export function analyse(text: string): Analysed {
  const normalised = normaliseChars(text);
  const raw: { text: string; gap: string }[] = [];
  let end = 0;
  for (const match of normalised.matchAll(TOKEN)) {
    raw.push({ text: match[0], gap: normalised.slice(end, match.index) });
    end = match.index + match[0].length;
  }
  const words = raw.map((t) => deLeet(t.text));
  const units: Unit[] = [];
  for (let i = 0; i < raw.length;) {
    let j = i + 1;
    // [...x].length counts code points: a single astral letter is still "one character".
    if ([...raw[i]!.text].length === 1) {
      while (j < raw.length && [...raw[j]!.text].length === 1 && raw[j]!.gap.length <= MAX_SPACED_GAP) j++;
    }
    const glued = j - i >= 2;
    const text = raw
      .slice(i, j)
      .map((t) => t.text)
      .join("");
    units.push({ text: deLeet(text), spaced: glued, tokens: j - i, gapBefore: i === 0 ? "" : raw[i]!.gap });
    i = j;
  }
  return { words, units };
}

/** A gap between units that a spacing trick would leave: punctuation only, or next to a spaced-out run. */
export function isTightGap(before: Unit, after: Unit): boolean {
  return before.spaced || after.spaced || !/\s/u.test(after.gapBefore);
}

/** A banned term normalised exactly like the text it is matched against. */
export type NormalisedTerm = { words: string[]; collapsed: string };

export function normaliseTerm(term: string): NormalisedTerm {
  const { words } = analyse(term);
  return { words, collapsed: words.join("") };
}
