import { z } from "zod";
import { VARIABLE_NAME_PATTERN } from "@/lib/templates/types";
import type { ColumnMapping } from "./map-columns";

/**
 * CSV columns that feed no template variable (SKU, category, …) travel with each row as metadata.
 * Caps keep a row's metadata small enough to index and show: the first 30 such columns, keys of
 * at most 40 characters, values of at most 500.
 */
export const CARRY_LIMITS = { columns: 30, key: 40, value: 500 } as const;

export type CarriedColumn = { header: string; key: string };
export type CarryPlan = {
  /** Header → metadata key, in file order. */
  columns: CarriedColumn[];
  /** Columns not carried and why (over the column cap). */
  dropped: { header: string; reason: string }[];
  /** Keys that differ from a plain normalisation (a clash with a variable or another column). */
  renamed: { header: string; key: string; reason: string }[];
};

/**
 * "Product Category" → "product_category", "Größe (cm)" → "grosse_cm", "2nd SKU" → "c_2nd_sku":
 * the same shape as a variable name, so a title pattern can name it as `{{key}}`.
 */
export function normaliseColumnKey(header: string): string {
  let key = header
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (key === "") return "";
  if (!/^[a-z]/.test(key)) key = `c_${key}`;
  return key.slice(0, CARRY_LIMITS.key).replace(/_+$/, "");
}

/**
 * Which columns a batch carries: every header not mapped to a variable and not the tier column.
 * A key that clashes with a template variable or an earlier column gets "_2", "_3"…; a header with
 * no letters or digits becomes "column_<n>".
 */
export function planCarriedColumns(input: {
  headers: readonly string[];
  mapping: ColumnMapping;
  variableNames: readonly string[];
  tierColumn?: string;
}): CarryPlan {
  const mapped = new Set(Object.values(input.mapping).filter((s): s is string => typeof s === "string"));
  const taken = new Set(input.variableNames);
  const plan: CarryPlan = { columns: [], dropped: [], renamed: [] };
  input.headers.forEach((header, i) => {
    if (mapped.has(header) || header === input.tierColumn) return;
    if (plan.columns.length >= CARRY_LIMITS.columns) {
      plan.dropped.push({ header, reason: `only the first ${CARRY_LIMITS.columns} extra columns are kept` });
      return;
    }
    const plain = normaliseColumnKey(header) || `column_${i + 1}`;
    let key = plain;
    for (let n = 2; taken.has(key); n += 1) key = `${plain.slice(0, CARRY_LIMITS.key - String(n).length - 1)}_${n}`;
    if (key !== plain)
      plan.renamed.push({
        header,
        key,
        reason: input.variableNames.includes(plain)
          ? `"${plain}" is a template variable`
          : `"${plain}" is already a column`,
      });
    taken.add(key);
    plan.columns.push({ header, key });
  });
  return plan;
}

/** One row's carried values: trimmed, single-line, empty cells left out, cut at 500 characters (`cut` names those keys). */
export function carriedValues(
  plan: CarryPlan,
  row: Readonly<Record<string, string>>,
): { values: Record<string, string>; cut: string[] } {
  const values: Record<string, string> = {};
  const cut: string[] = [];
  for (const { header, key } of plan.columns) {
    // Line breaks become spaces; bidi overrides and zero-width marks go (they could disguise a SKU when shown).
    const value = (row[header] ?? "")
      .replace(/[\u0000-\u001F\u007F-\u009F]+/g, " ")
      .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, "")
      .trim();
    if (value === "") continue;
    const chars = [...value];
    if (chars.length > CARRY_LIMITS.value) cut.push(key);
    values[key] = chars.length > CARRY_LIMITS.value ? chars.slice(0, CARRY_LIMITS.value).join("") : value;
  }
  return { values, cut };
}

/** What the server accepts as a row's carried columns (the browser plans them; the server checks the caps again). */
export const carriedColumnsSchema = z
  .record(
    z
      .string()
      .max(CARRY_LIMITS.key, `column keys are at most ${CARRY_LIMITS.key} characters`)
      .regex(VARIABLE_NAME_PATTERN, "column keys use a-z, 0-9 and _"),
    z
      .string()
      .trim()
      .max(CARRY_LIMITS.value, `column values are at most ${CARRY_LIMITS.value} characters`)
      .regex(/^[^\u0000-\u001F\u007F-\u009F]*$/, "column values are one line without control characters"),
  )
  .refine(
    (r) => Object.keys(r).length <= CARRY_LIMITS.columns,
    `at most ${CARRY_LIMITS.columns} carried columns per row`,
  );
