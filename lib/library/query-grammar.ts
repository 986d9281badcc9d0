import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The library's query grammar: `field:value` terms, bare words and "quoted phrases" (full text),
 * fragments with a `*` (`*0042`: part of a title, SKU or batch name), `-` in front of anything negates it. Values with spaces are quoted (`campaign:"Spring 26"`);
 * a comma lists alternatives (`status:approved,in_review`); repeating a field narrows further.
 * Pure: no database, no clock except `now` (relative dates), so the page can validate as you type.
 */

// Copies of the schema's enums (db/schema), so the page can import the grammar without drizzle;
// lib/library/compile-query.ts fails to typecheck if they drift apart.
export const ASSET_STATUSES = ["checking", "in_review", "approved", "rejected", "changes_requested"] as const;
export const TIERS = ["draft", "support", "hero"] as const;
export const ASSET_SOURCES = ["generated", "uploaded"] as const;
export const ASPECTS = ["landscape", "portrait", "square", "other"] as const;
/**
 * The ratios the library's Aspect facet counts (w:h, each matched within 2 %, see compile-query);
 * `aspect:other` is everything with dimensions that is none of them. Ordered as the facet lists them.
 */
export const ASPECT_RATIOS = [
  [1, 1],
  [4, 5],
  [3, 4],
  [2, 3],
  [9, 16],
  [5, 4],
  [4, 3],
  [3, 2],
  [16, 9],
] as const;
export const CHECK_VERDICTS = ["pass", "warn", "fail"] as const;

/** The help the page renders: one row per field, in the order people reach for them. */
export const LIBRARY_QUERY_FIELDS = [
  {
    field: "status",
    example: "status:approved",
    meaning: "Where the asset stands: checking, in_review, approved, rejected, changes_requested.",
  },
  { field: "tier", example: "tier:hero", meaning: "The tier it was made for: draft, support, hero." },
  { field: "campaign", example: 'campaign:"Spring 26"', meaning: "The batch's campaign (any case)." },
  { field: "batch", example: 'batch:"Trail shoes CSV"', meaning: "The batch, by name or id." },
  { field: "preset", example: "preset:hero-standard@2", meaning: "The preset by slug or name; @n for one version." },
  {
    field: "template",
    example: "template:product-shot",
    meaning: "The prompt template by slug or name; @n for one version.",
  },
  { field: "model", example: "model:sdxl-1.0", meaning: "The model version; end with * for a prefix (model:sdxl*)." },
  { field: "lora", example: "lora:style_lora_v2", meaning: "A LoRA the preset applied." },
  { field: "provider", example: "provider:simulator", meaning: "The GPU endpoint, by slug or name." },
  { field: "designer", example: "designer:me", meaning: "Whose asset: me, an email, or a name." },
  { field: "team", example: "team:Brand", meaning: "The designer's team." },
  {
    field: "reviewer",
    example: "reviewer:rita@example.com",
    meaning: "Someone who decided on it in review: me, an email, or a name.",
  },
  {
    field: "check",
    example: "check:warn",
    meaning: "The automated checks' verdict on the current version: pass, warn, fail.",
  },
  {
    field: "reason",
    example: "reason:text_detected",
    meaning: "A check or review reason code (failed or warned checks, reject reasons).",
  },
  {
    field: "rejected",
    example: "rejected:blur",
    meaning: "Rejected, for this reason code (by the checks or a reviewer).",
  },
  { field: "tag", example: "tag:hero", meaning: "Tagged with this tag." },
  { field: "is", example: "is:starred", meaning: "Starred by you." },
  { field: "in", example: "in:3f0c…", meaning: "In this collection (its id)." },
  { field: "source", example: "source:uploaded", meaning: "generated or uploaded." },
  {
    field: "created",
    example: "created:2026-01",
    meaning:
      "Made on a day, month or year (UTC); ranges 2026-01..2026-03, >2026-01-05, <=2026-02, or the last 7d / 12h / 2w.",
  },
  { field: "approved", example: "approved:>2026-03-01", meaning: "Approved in that period; same forms as created." },
  {
    field: "cost",
    example: "cost:>0.05",
    meaning: "What the image cost in dollars (its calls, retries, re-rolls before it, edits); ranges 0.01..0.10.",
  },
  {
    field: "size",
    example: "size:>=1024",
    meaning: "The longer side in pixels: size:>=2048, ranges 1024..1535, or size:1024x768 for exact dimensions.",
  },
  {
    field: "aspect",
    example: "aspect:16:9",
    meaning:
      "landscape, portrait, square, a ratio such as 16:9 (within 2 %), or other (none of 1:1, 4:5, 3:4, 2:3, 9:16, 5:4, 4:3, 3:2, 16:9).",
  },
  { field: "origin", example: "origin:3f0c…", meaning: "Reruns of this asset (its id)." },
  {
    field: "alt",
    example: "alt:missing",
    meaning: "Alt text: missing, draft (not yet confirmed by a person) or confirmed.",
  },
  {
    field: "rights",
    example: "rights:expiring",
    meaning: "Usage rights: expired, expiring (within 7 days), limited (an expiry is set) or unlimited.",
  },
] as const;

/** Characters in a row a fragment needs: the trigram index cannot narrow shorter ones. */
export const MIN_FRAGMENT = 3;

/** How free text works, shown under the table. */
export const LIBRARY_QUERY_TEXT_HELP = [
  {
    example: "trail shoe",
    meaning:
      "Words: all must appear in the prompt, variables, CSV columns, title, campaign, batch, tags, notes or reasons.",
  },
  { example: '"trail running shoe"', meaning: "A phrase: those words in that order." },
  { example: "shoe*", meaning: "A prefix of a word." },
  {
    example: "*0042  KLN-004*",
    meaning: `A fragment (a * that does not just end a word): part of a title, a CSV column such as a SKU, a batch name or a filename, in any case; * is any characters. At least ${MIN_FRAGMENT} characters in a row.`,
  },
  { example: "-draft  -status:rejected", meaning: "A minus in front excludes." },
] as const;

export type FieldName = (typeof LIBRARY_QUERY_FIELDS)[number]["field"];
const FIELD_NAMES = LIBRARY_QUERY_FIELDS.map((f) => f.field) as FieldName[];

/** A half-open interval [from, to); either end may be open. */
export type DateRange = { from: Date | null; to: Date | null };
/** Inclusive or exclusive bounds on a number; either may be open. */
export type NumberRange = { min: number | null; minInclusive: boolean; max: number | null; maxInclusive: boolean };
export type NamedVersion = { name: string; version: number | null };
export type Aspect = (typeof ASPECTS)[number] | { w: number; h: number };
export type SizeValue = { range: NumberRange } | { width: number; height: number };

export type FieldClause =
  | { field: "status"; values: (typeof ASSET_STATUSES)[number][] }
  | { field: "tier"; values: (typeof TIERS)[number][] }
  | { field: "source"; values: (typeof ASSET_SOURCES)[number][] }
  | { field: "check"; values: (typeof CHECK_VERDICTS)[number][] }
  | { field: "preset" | "template"; values: NamedVersion[] }
  | {
      field:
        | "campaign"
        | "batch"
        | "model"
        | "lora"
        | "provider"
        | "designer"
        | "team"
        | "reviewer"
        | "reason"
        | "rejected"
        | "tag";
      values: string[];
    }
  | { field: "is"; values: "starred"[] }
  | { field: "alt"; values: ("missing" | "draft" | "confirmed")[] }
  | { field: "rights"; values: ("expired" | "expiring" | "limited" | "unlimited")[] }
  | { field: "in" | "origin"; values: string[] }
  | { field: "created" | "approved"; values: DateRange[] }
  | { field: "cost"; values: NumberRange[] }
  | { field: "size"; values: SizeValue[] }
  | { field: "aspect"; values: Aspect[] };

type Located = { negated: boolean; position: number; raw: string };
export type QueryTerm =
  | (Located & { kind: "field" } & FieldClause)
  | (Located & { kind: "text"; text: string; phrase: boolean; prefix: boolean })
  /** A substring pattern over the asset's identity text; `*` is any run of characters, the ends are open. */
  | (Located & { kind: "fragment"; pattern: string });
export type LibraryQuery = { terms: QueryTerm[] };

export type GrammarProblem = { message: string; position: number; length: number };
export type ParseResult = { ok: true; query: LibraryQuery } | { ok: false; error: GrammarProblem };

export const MAX_QUERY_LENGTH = 1_000;
const MAX_TERMS = 40;

class Problem extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number,
  ) {
    super(message);
  }
}

/** Parses a query; a problem comes back with where it is (0-based offset and length) and what to write instead. */
export function parseLibraryQuery(input: string, { now = new Date() }: { now?: Date } = {}): ParseResult {
  try {
    if (input.length > MAX_QUERY_LENGTH)
      throw new Problem(
        `A query is at most ${MAX_QUERY_LENGTH} characters.`,
        MAX_QUERY_LENGTH,
        input.length - MAX_QUERY_LENGTH,
      );
    const tokens = tokenize(input);
    if (tokens.length > MAX_TERMS)
      throw new Problem(`A query has at most ${MAX_TERMS} terms.`, tokens[MAX_TERMS]!.position, 1);
    return { ok: true, query: { terms: tokens.map((t) => termOf(t, now)) } };
  } catch (error) {
    if (error instanceof Problem)
      return {
        ok: false,
        error: { message: error.message, position: error.position, length: Math.max(1, error.length) },
      };
    throw error;
  }
}

/** As parseLibraryQuery, for server code: a problem is an invalid_input error the user reads (never a 500). */
export function parseLibraryQueryOrThrow(input: string, options?: { now?: Date }): LibraryQuery {
  const result = parseLibraryQuery(input, options);
  if (result.ok) return result.query;
  const message = `${result.error.message} (at column ${result.error.position + 1})`;
  throw new AppError("invalid_input", message, { fields: { q: [message] } });
}

// ---------------------------------------------------------------------------------------------
// Tokens: whitespace-separated; a double-quoted run (\" inside it) keeps its spaces.

type Token = {
  raw: string;
  position: number;
  negated: boolean;
  field: string | null;
  value: string;
  quoted: boolean;
  valuePosition: number;
};

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (input[i] === "-" && i + 1 < input.length && !/\s/.test(input[i + 1]!)) {
      negated = true;
      i++;
    }
    let field: string | null = null;
    const head = /^([A-Za-z_]+):/.exec(input.slice(i));
    if (head) {
      field = head[1]!.toLowerCase();
      i += head[0].length;
    }
    const valuePosition = i;
    let value = "";
    let quoted = false;
    if (input[i] === '"') {
      quoted = true;
      i++;
      let closed = false;
      while (i < input.length) {
        if (input[i] === "\\" && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
          continue;
        }
        if (input[i] === '"') {
          closed = true;
          i++;
          break;
        }
        value += input[i++];
      }
      if (!closed)
        throw new Problem('This quote is never closed: add a closing ".', valuePosition, input.length - valuePosition);
      if (i < input.length && !/\s/.test(input[i]!)) throw new Problem("Put a space after the closing quote.", i, 1);
    } else {
      while (i < input.length && !/\s/.test(input[i]!)) value += input[i++];
    }
    tokens.push({ raw: input.slice(start, i), position: start, negated, field, value, quoted, valuePosition });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Terms

function termOf(t: Token, now: Date): QueryTerm {
  const base = { negated: t.negated, position: t.position, raw: t.raw };
  if (t.field === null) {
    const text = t.value.trim();
    if (!text) throw new Problem("This phrase is empty.", t.position, t.raw.length);
    const prefix = !t.quoted && /^[\p{L}\p{N}_]+\*$/u.test(text);
    if (!t.quoted && !prefix && text.includes("*"))
      return { ...base, kind: "fragment", pattern: fragmentOf(text, t.valuePosition) };
    return { ...base, kind: "text", text: prefix ? text.slice(0, -1) : text, phrase: t.quoted, prefix };
  }
  if (!FIELD_NAMES.includes(t.field as FieldName)) {
    throw new Problem(
      `Unknown field “${t.field}”. Fields: ${FIELD_NAMES.join(", ")}. To search for the text, put it in quotes.`,
      t.position,
      t.field.length + 1,
    );
  }
  const field = t.field as FieldName;
  if (!t.value.trim())
    throw new Problem(`${field}: needs a value, e.g. ${exampleOf(field)}.`, t.position, t.raw.length);
  // Quoted values are one value (commas included); otherwise a comma lists alternatives.
  const parts = t.quoted
    ? [{ text: t.value.trim(), at: t.valuePosition }]
    : splitAlternatives(t.value, t.valuePosition);
  const values = parts.map((p) => valueOf(field, p.text, p.at, now));
  return { ...base, kind: "field", field, values } as QueryTerm;
}

/**
 * A fragment's pattern: runs of * become one, and some run between them must hold MIN_FRAGMENT
 * characters, because a trigram index can only narrow by three characters in a row (a shorter
 * fragment would read every row).
 */
function fragmentOf(text: string, at: number): string {
  const pattern = text.replace(/\*+/g, "*");
  const longest = Math.max(...pattern.split("*").map((piece) => [...piece].length));
  if (longest < MIN_FRAGMENT) {
    throw new Problem(
      `A fragment needs at least ${MIN_FRAGMENT} characters in a row besides the *, e.g. *0042 or KLN-004*.`,
      at,
      text.length,
    );
  }
  return pattern;
}

function splitAlternatives(value: string, at: number): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let offset = 0;
  for (const piece of value.split(",")) {
    if (piece.trim() === "")
      throw new Problem("An empty alternative: remove the extra comma.", at + offset, Math.max(1, piece.length));
    out.push({ text: piece.trim(), at: at + offset });
    offset += piece.length + 1;
  }
  return out;
}

const exampleOf = (field: FieldName) => LIBRARY_QUERY_FIELDS.find((f) => f.field === field)!.example;

/** Zod says whether a value is acceptable; its first message becomes the problem at the value's position. */
function check<S extends z.ZodType>(schema: S, text: string, at: number): z.infer<S> {
  const result = schema.safeParse(text);
  if (result.success) return result.data;
  throw new Problem(result.error.issues[0]?.message ?? "Not a valid value.", at, text.length);
}

const UUID_MESSAGE = "Expected an id like 3f0c2a4e-…";
const name = z.string().min(1).max(200, "At most 200 characters.");
// Any 8-4-4-4-12 hex id (zod's uuid() insists on RFC variant bits, which ids made by md5()::uuid lack).
const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, UUID_MESSAGE)
  .transform((s) => s.toLowerCase());
const oneOf = <T extends readonly [string, ...string[]]>(
  field: string,
  options: T,
  aliases: Record<string, T[number]> = {},
) =>
  z
    .string()
    .transform((s) => {
      const key = s.toLowerCase().replaceAll("-", "_");
      return (aliases[key] ?? key) as string;
    })
    .refine((s): s is T[number] => (options as readonly string[]).includes(s), {
      message: `${field}: expected one of ${options.join(", ")}.`,
    });

const namedVersion = z
  .string()
  .min(1)
  .max(200)
  .transform((s, c): NamedVersion => {
    const m = /^(.*?)(?:@v?(\d+))?$/i.exec(s)!;
    const version = m[2] ? Number(m[2]) : null;
    if (!m[1]) {
      c.addIssue({ code: "custom", message: "Name the preset or template before @." });
      return z.NEVER;
    }
    return { name: m[1], version };
  });

function valueOf(field: FieldName, text: string, at: number, now: Date): FieldClause["values"][number] {
  switch (field) {
    case "status":
      return check(oneOf("status", ASSET_STATUSES, { review: "in_review", changes: "changes_requested" }), text, at);
    case "tier":
      return check(oneOf("tier", TIERS), text, at);
    case "source":
      return check(oneOf("source", ASSET_SOURCES, { upload: "uploaded", generation: "generated" }), text, at);
    case "check":
      return check(oneOf("check", CHECK_VERDICTS, { passed: "pass", warning: "warn", failed: "fail" }), text, at);
    case "is":
      return check(
        oneOf("is", ["starred"] as const, {
          star: "starred",
          starred: "starred",
          favourite: "starred",
          favorite: "starred",
        }),
        text,
        at,
      );
    case "alt":
      return check(
        oneOf("alt", ["missing", "draft", "confirmed"] as const, {
          none: "missing",
          drafted: "draft",
          unconfirmed: "draft",
        }),
        text,
        at,
      );
    case "rights":
      return check(
        oneOf("rights", ["expired", "expiring", "limited", "unlimited"] as const, {
          none: "unlimited",
          expires: "limited",
        }),
        text,
        at,
      );
    case "preset":
    case "template":
      return check(namedVersion, text, at);
    case "in":
    case "origin":
      return check(uuid, text, at);
    case "tag":
      return check(
        name.transform((s) => s.trim().toLowerCase().replace(/\s+/g, "-")),
        text,
        at,
      );
    case "reason":
    case "rejected":
      return check(
        name.transform((s) => s.trim().toLowerCase().replace(/\s+/g, "_")),
        text,
        at,
      );
    case "campaign":
    case "batch":
    case "model":
    case "lora":
    case "provider":
    case "designer":
    case "team":
    case "reviewer":
      return check(name, text, at);
    case "created":
    case "approved":
      return parseDateRange(text, at, now);
    case "cost":
      return parseNumberRange(text, at, { unit: "dollars", scale: 1_000_000, decimals: 6 });
    case "size": {
      const exact = /^(\d{1,5})x(\d{1,5})$/i.exec(text);
      if (exact) return { width: Number(exact[1]), height: Number(exact[2]) };
      return { range: parseNumberRange(text, at, { unit: "pixels", scale: 1, decimals: 0 }) };
    }
    case "aspect": {
      const ratio = /^(\d{1,4})[:x/](\d{1,4})$/i.exec(text);
      if (ratio) {
        const [w, h] = [Number(ratio[1]), Number(ratio[2])];
        if (w === 0 || h === 0) throw new Problem("A ratio needs two positive numbers, e.g. 16:9.", at, text.length);
        return { w, h };
      }
      return check(oneOf("aspect", ASPECTS, { wide: "landscape", tall: "portrait" }), text, at);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dates (UTC): YYYY, YYYY-MM, YYYY-MM-DD; a..b (inclusive of b's whole period); >, >=, <, <=; 7d/12h/2w/3m/1y back from now.

const DATE = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;
const RELATIVE = /^(?:last:?)?(\d{1,4})(h|d|w|m|y)$/i;

function parseDateRange(text: string, at: number, now: Date): DateRange {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const n = Number(relative[1]);
    const from = new Date(now);
    switch (relative[2]!.toLowerCase()) {
      case "h":
        from.setTime(from.getTime() - n * 3_600_000);
        break;
      case "d":
        from.setTime(from.getTime() - n * 86_400_000);
        break;
      case "w":
        from.setTime(from.getTime() - n * 7 * 86_400_000);
        break;
      case "m":
        from.setUTCMonth(from.getUTCMonth() - n);
        break;
      case "y":
        from.setUTCFullYear(from.getUTCFullYear() - n);
        break;
    }
    return { from, to: null };
  }
  const range = /^(.*?)\.\.(.*)$/.exec(text);
  if (range) {
    const [a, b] = [range[1]!, range[2]!];
    if (!a && !b) throw new Problem("A range needs at least one end, e.g. 2026-01..2026-03.", at, text.length);
    const from = a ? periodOf(a, at).from : null;
    const to = b ? periodOf(b, at + a.length + 2).to : null;
    if (from && to && from >= to) throw new Problem("The range ends before it starts.", at, text.length);
    return { from, to };
  }
  const cmp = /^(>=|<=|>|<)(.+)$/.exec(text);
  if (cmp) {
    const p = periodOf(cmp[2]!, at + cmp[1]!.length);
    switch (cmp[1]) {
      case ">":
        return { from: p.to, to: null };
      case ">=":
        return { from: p.from, to: null };
      case "<":
        return { from: null, to: p.from };
      default:
        return { from: null, to: p.to };
    }
  }
  return periodOf(text, at);
}

/** The whole period a date names: a year, a month or a day, as [from, to). */
function periodOf(text: string, at: number): { from: Date; to: Date } {
  const m = DATE.exec(text);
  if (!m)
    throw new Problem(
      `“${text}” is not a date: write 2026, 2026-01, 2026-01-15, a range 2026-01..2026-03, >2026-01-05, or 7d.`,
      at,
      text.length,
    );
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : null;
  const day = m[3] ? Number(m[3]) : null;
  if (year < 1970 || year > 9999) throw new Problem(`${year} is out of range.`, at, text.length);
  if (month !== null && (month < 1 || month > 12)) throw new Problem(`Month ${month} does not exist.`, at, text.length);
  if (month === null) return { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) };
  if (day === null) return { from: new Date(Date.UTC(year, month - 1, 1)), to: new Date(Date.UTC(year, month, 1)) };
  const from = new Date(Date.UTC(year, month - 1, day));
  if (from.getUTCMonth() !== month - 1 || day < 1)
    throw new Problem(`${text} is not a day of the calendar.`, at, text.length);
  return { from, to: new Date(Date.UTC(year, month - 1, day + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Numbers: 0.05, >0.05, >=1024, <0.1, 0.01..0.10 — kept as exact integers in `scale` units (micros for dollars).

function parseNumberRange(
  text: string,
  at: number,
  unit: { unit: string; scale: number; decimals: number },
): NumberRange {
  const num = (s: string, offset: number): number => {
    const cleaned = unit.unit === "dollars" ? s.replace(/^\$/, "") : s.replace(/px$/i, "");
    const re =
      unit.decimals > 0
        ? new RegExp(`^\\d{1,9}(?:\\.\\d{1,${unit.decimals}})?$|^\\.\\d{1,${unit.decimals}}$`)
        : /^\d{1,9}$/;
    if (!re.test(cleaned))
      throw new Problem(
        `“${s}” is not a number of ${unit.unit}${unit.decimals ? ` (up to ${unit.decimals} decimals)` : ""}.`,
        offset,
        s.length,
      );
    // Decimal string → integer units without a float: "0.05" dollars → 50000 micros.
    const [whole = "0", frac = ""] = cleaned.split(".");
    return Number(whole || "0") * unit.scale + (unit.decimals ? Number(frac.padEnd(unit.decimals, "0")) : 0);
  };
  const range = /^(.*?)\.\.(.*)$/.exec(text);
  if (range) {
    const [a, b] = [range[1]!, range[2]!];
    if (!a && !b) throw new Problem("A range needs at least one end, e.g. 0.01..0.10.", at, text.length);
    const min = a ? num(a, at) : null;
    const max = b ? num(b, at + a.length + 2) : null;
    if (min !== null && max !== null && min > max)
      throw new Problem("The range ends before it starts.", at, text.length);
    return { min, minInclusive: true, max, maxInclusive: true };
  }
  const cmp = /^(>=|<=|>|<|=)?(.+)$/.exec(text)!;
  const op = cmp[1] ?? "=";
  const value = num(cmp[2]!, at + op.length - (cmp[1] ? 0 : 1));
  switch (op) {
    case ">":
      return { min: value, minInclusive: false, max: null, maxInclusive: false };
    case ">=":
      return { min: value, minInclusive: true, max: null, maxInclusive: false };
    case "<":
      return { min: null, minInclusive: false, max: value, maxInclusive: false };
    case "<=":
      return { min: null, minInclusive: false, max: value, maxInclusive: true };
    default:
      return { min: value, minInclusive: true, max: value, maxInclusive: true };
  }
}

/** Quotes a value for a query when it needs it (facet buckets build their tokens with this). */
export function queryToken(field: FieldName, value: string): string {
  return /^[^\s",]+$/.test(value)
    ? `${field}:${value}`
    : `${field}:"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A value as a full-text phrase term (a carried CSV column's value, clicked in the lightbox or the list). */
export function phraseToken(value: string): string {
  return `"${value.trim().replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * Facet clicks: whether a query holds a term, and the query with it added or removed. Terms are
 * compared by meaning (field, sign, parsed values), so `status:Approved` and `status:approved` are
 * one term; a query that does not parse is left as typed (adding appends, removing changes nothing).
 */
export function hasQueryToken(q: string, token: string): boolean {
  return matchingTerms(q, token).length > 0;
}

export function addQueryToken(q: string, token: string): string {
  if (hasQueryToken(q, token)) return q;
  return q.trim() ? `${q.trim()} ${token}` : token;
}

export function removeQueryToken(q: string, token: string): string {
  let out = q;
  // From the end, so earlier positions stay valid.
  for (const term of matchingTerms(q, token).reverse())
    out = out.slice(0, term.position) + out.slice(term.position + term.raw.length);
  return out.replace(/\s+/g, " ").trim();
}

function matchingTerms(q: string, token: string): QueryTerm[] {
  const query = parseLibraryQuery(q);
  const wanted = parseLibraryQuery(token);
  if (!query.ok || !wanted.ok || wanted.query.terms.length !== 1) return [];
  const key = termKey(wanted.query.terms[0]!);
  return query.query.terms.filter((t) => termKey(t) === key);
}

function termKey(t: QueryTerm): string {
  if (t.kind === "text") return JSON.stringify(["text", t.negated, t.phrase, t.prefix, t.text.toLowerCase()]);
  if (t.kind === "fragment") return JSON.stringify(["fragment", t.negated, t.pattern.toLowerCase()]);
  return JSON.stringify(["field", t.negated, t.field, t.values]);
}
