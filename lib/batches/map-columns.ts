import { AppError, type FieldErrors } from "@/lib/errors";
import { checkVariable } from "@/lib/templates/render";
import type { TemplateDefinition } from "@/lib/templates/types";

/** Where a variable's value comes from: a CSV column (by header) or one constant for every row. */
export type ColumnSource = string | { constant: string | number };
/** variable name → source. Unmapped variables take their default (or stay unset when optional). */
export type ColumnMapping = Record<string, ColumnSource>;

/**
 * Spellings treated as the same word when matching headers to variables: small and explicit, so a
 * header is never linked by a guess. Each entry maps a normalised word to its canonical form.
 */
export const HEADER_SYNONYMS: Readonly<Record<string, string>> = {
  colour: "color",
  colours: "color",
  colors: "color",
  grey: "gray",
  greys: "gray",
  grays: "gray",
};

/** Letters only: case, accents, spaces, underscores, hyphens and dots do not matter. */
const squash = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\s_\-.]+/g, " ")
    .trim();

/** A header's or variable's matching key: words squashed, each synonym canonical, a simple plural -s dropped. */
export function headerKey(s: string): string {
  return squash(s)
    .split(" ")
    .filter(Boolean)
    .map((word) => {
      const known = HEADER_SYNONYMS[word];
      if (known) return known;
      // "backgrounds" → "background", "sizes" → "size"; not "glass", "status" or short words like "us".
      if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word))
        return HEADER_SYNONYMS[word.slice(0, -1)] ?? word.slice(0, -1);
      return word;
    })
    .join("");
}

/**
 * Pre-fills the mapping UI: a header maps to a variable when it equals the name or label ignoring case,
 * accents and separators, with a few spelling synonyms (colour ↔ color) and a simple plural. An exact
 * match wins over a synonym; a header is used for one variable at most.
 */
export function suggestMapping(definition: TemplateDefinition, headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  const exact = (s: string) => squash(s).replace(/ /g, "");
  for (const match of [exact, headerKey]) {
    for (const v of definition.variables) {
      if (mapping[v.name] !== undefined) continue;
      const wanted = new Set([match(v.name), match(v.label)]);
      const header = headers.find((h) => !used.has(h) && wanted.has(match(h)));
      if (header !== undefined) {
        mapping[v.name] = header;
        used.add(header);
      }
    }
  }
  return mapping;
}

/**
 * Checks a mapping against the template and the file before any row is looked at, so a wrong mapping
 * is one clear error instead of 10,000 identical row errors. Throws AppError invalid_input.
 */
export function checkMapping(input: {
  definition: TemplateDefinition;
  headers: readonly string[];
  mapping: ColumnMapping;
  tierColumn?: string;
}): void {
  const { definition, headers, mapping, tierColumn } = input;
  const fields: FieldErrors = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);
  const declared = new Map(definition.variables.map((v) => [v.name, v]));
  for (const [name, source] of Object.entries(mapping)) {
    const variable = declared.get(name);
    if (!variable) add(name, `The template has no variable "${name}".`);
    else if (typeof source === "string") {
      if (!headers.includes(source)) add(name, `The file has no column "${source}".`);
    } else {
      const checked = checkVariable(variable, source.constant);
      if (!checked.ok) add(name, checked.message);
    }
  }
  for (const v of definition.variables) {
    if (v.required && v.default === undefined && mapping[v.name] === undefined)
      add(v.name, `Map a column to ${v.label} or give it a fixed value.`);
  }
  if (tierColumn !== undefined && !headers.includes(tierColumn)) add("tier", `The file has no column "${tierColumn}".`);
  const first = Object.entries(fields)[0];
  if (first) throw new AppError("invalid_input", `Column mapping: ${first[1][0]}`, { fields });
}

/** Raw (unvalidated) values of one row under a mapping; validation happens in validate-rows. */
export function valuesForRow(
  mapping: ColumnMapping,
  row: Readonly<Record<string, string>>,
): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [name, source] of Object.entries(mapping))
    values[name] = typeof source === "string" ? (row[source] ?? "") : source.constant;
  return values;
}
