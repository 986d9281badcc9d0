/**
 * The page's filters ARE the query text. Facet clicks use the grammar's own add/remove helpers
 * (lib/library/query-grammar.ts, compared by meaning); these helpers do the rest: one chip per term
 * as typed (its × removes exactly that text) and one `created:from..to` term per range input. They
 * split text without interpreting it, so free text and anything typed by hand survive.
 */
export type Term = { raw: string; field: string | null; value: string; negated: boolean };

// A token: optional "-", optional field name and ":", then a quoted or bare value.
const TOKEN = /(-?)(?:([A-Za-z_]+):)?("(?:[^"\\]|\\.)*"?|[^\s"]+)|"(?:[^"\\]|\\.)*"?/g;

export function tokenize(query: string): Term[] {
  const terms: Term[] = [];
  for (const m of query.matchAll(TOKEN)) {
    const raw = m[0];
    if (!raw.trim()) continue;
    if (m[3] === undefined) {
      terms.push({ raw, field: null, value: unquote(raw), negated: false });
      continue;
    }
    terms.push({ raw, field: m[2] ? m[2].toLowerCase() : null, value: unquote(m[3]), negated: m[1] === "-" });
  }
  return terms;
}

function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  return v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, "$1");
}

/** `campaign:"Spring 26"`: a value with spaces, quotes or a comma (the grammar's "or") is quoted. */
export function formatTerm(field: string, value: string): string {
  return `${field}:${/^[^\s",]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`}`;
}

function join(terms: string[]): string {
  return terms.filter(Boolean).join(" ");
}

/** Removes one term exactly as it appears (an active-filter chip's ×). */
export function removeTerm(query: string, raw: string): string {
  const terms = tokenize(query);
  const i = terms.findIndex((t) => t.raw === raw);
  return i < 0 ? query : join(terms.filter((_, j) => j !== i).map((t) => t.raw));
}

/** Replaces every term of a field with one value, or drops them when the value is empty (ranges). */
export function setTerm(query: string, field: string, value: string | null): string {
  const kept = tokenize(query)
    .filter((t) => t.field !== field.toLowerCase())
    .map((t) => t.raw);
  return join(value ? [...kept, formatTerm(field, value)] : kept);
}

export function termValue(query: string, field: string): string | null {
  return tokenize(query).find((t) => !t.negated && t.field === field.toLowerCase())?.value ?? null;
}

/** `from..to` with either end open; what the grammar takes for dates and costs. */
export function rangeValue(from: string, to: string): string | null {
  const a = from.trim();
  const b = to.trim();
  if (!a && !b) return null;
  return `${a}..${b}`;
}

export function splitRange(value: string | null): { from: string; to: string } {
  if (!value) return { from: "", to: "" };
  const i = value.indexOf("..");
  if (i < 0) return { from: value, to: value };
  return { from: value.slice(0, i), to: value.slice(i + 2) };
}
