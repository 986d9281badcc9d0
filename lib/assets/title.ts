import { PLACEHOLDER_PATTERN } from "@/lib/templates/types";

/** A title is one line of at most this many characters (the library grid, the queue and notifications show it whole). */
export const TITLE_MAX = 200;

const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
// What a missing placeholder leaves at either end: "Trail shoe ·" → "Trail shoe", "— KLN-0042" → "KLN-0042".
const DANGLING = /^[\s·•|,;:/\-–—]+|[\s·•|,;:/\-–—]+$/g;

function oneLine(text: string): string {
  return text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
}

function cap(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, Math.max(0, max - 1))
        .join("")
        .trimEnd()}…`;
}

/**
 * Fills a template's title pattern: `{{name}}` takes the row's variable value, else the carried CSV
 * column of that key; anything missing becomes empty. Whitespace is collapsed and separators left
 * dangling by a missing value are trimmed. May return "" (then the caller falls back).
 */
export function renderTitlePattern(
  pattern: string | undefined,
  source: { values: Readonly<Record<string, string | number>>; carried?: Readonly<Record<string, string>> },
  max: number = TITLE_MAX,
): string {
  if (!pattern?.trim()) return "";
  const filled = pattern.replace(PLACEHOLDER_PATTERN, (_, name: string) => {
    const value = Object.hasOwn(source.values, name)
      ? source.values[name]
      : source.carried && Object.hasOwn(source.carried, name)
        ? source.carried[name]
        : undefined;
    return value === undefined ? "" : oneLine(String(value));
  });
  return cap(oneLine(filled).replace(DANGLING, ""), max);
}

/**
 * What tells a row's images apart when it has several: "2/3" (variant of the row's variants per
 * ratio) and/or the aspect ratio's label. Empty when the row makes one image.
 */
export function variantSuffix(input: {
  variant: number;
  variantsPerRow: number;
  ratio: string;
  ratioCount: number;
}): string {
  const parts: string[] = [];
  if (input.variantsPerRow > 1) parts.push(`${input.variant + 1}/${input.variantsPerRow}`);
  if (input.ratioCount > 1) parts.push(input.ratio);
  return parts.map((p) => ` · ${p}`).join("");
}

/**
 * The title a planned generation stores: the pattern over the row, then the variant suffix, within
 * TITLE_MAX. "" when the template has no pattern or it renders empty (assetTitle falls back then).
 */
export function generationTitle(input: {
  pattern: string | undefined;
  values: Readonly<Record<string, string | number>>;
  carried?: Readonly<Record<string, string>>;
  suffix: string;
}): string {
  const base = renderTitlePattern(input.pattern, input, TITLE_MAX - [...input.suffix].length);
  return base ? `${base}${input.suffix}` : "";
}

/**
 * The one display name of an asset or generation, used everywhere one is named (jobs, review,
 * notifications, asset page, editor): its stored title, or "Row 3, variant 1" for rows made
 * without a pattern (and for assets made before titles existed).
 */
export function assetTitle(input: { title?: string | null; line?: number | null; variant?: number | null }): string {
  const title = input.title?.trim();
  if (title) return title;
  if (input.line == null) return "Untitled asset";
  return `Row ${input.line}, variant ${(input.variant ?? 0) + 1}`;
}
