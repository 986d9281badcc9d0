import { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";
import type { EnumVariable, TemplateDefinition } from "@/lib/templates/types";
import type { ColumnMapping } from "./map-columns";

/**
 * What one distinct file value of a column becomes: one of the variable's allowed values, the
 * variable's default, or "leave the row out" (it is listed with the batch's skipped rows).
 */
export type ValueChoice = { to: string } | { use: "default" } | { use: "skip" };
/** variable name → (file value as written, trimmed) → choice. */
export type ValueMap = Record<string, Record<string, ValueChoice>>;

export const VALUE_MAP_LIMITS = { variables: 50, valuesPerVariable: 500, valueLength: 5000 } as const;

const choiceSchema = z.union([
  z.object({ to: z.string().trim().min(1).max(200) }).strict(),
  z.object({ use: z.enum(["default", "skip"]) }).strict(),
]);

/** The shape a browser may send; what each target means is checked against the server's template (checkValueMap). */
export const valueMapSchema = z
  .record(
    z.string().min(1).max(100),
    z
      .record(z.string().max(VALUE_MAP_LIMITS.valueLength), choiceSchema)
      .refine(
        (m) => Object.keys(m).length <= VALUE_MAP_LIMITS.valuesPerVariable,
        `At most ${VALUE_MAP_LIMITS.valuesPerVariable} values per variable.`,
      ),
  )
  .refine(
    (m) => Object.keys(m).length <= VALUE_MAP_LIMITS.variables,
    `At most ${VALUE_MAP_LIMITS.variables} variables.`,
  );

const fold = (s: string) => s.trim().toLowerCase();

/** The option a value names (any case), as checkVariable accepts it. */
function allowedOption(variable: EnumVariable, value: string): string | undefined {
  return variable.options.find((o) => fold(o) === fold(value));
}

/**
 * Checks a value map against the template it is applied to (never against a list sent by the
 * browser): only enum variables, targets that are allowed options, "default" only where there is one.
 * Returns the map with targets canonicalised and keys trimmed. Throws AppError invalid_input.
 */
export function checkValueMap(definition: TemplateDefinition, valueMap: ValueMap | undefined): ValueMap {
  if (!valueMap) return {};
  const fields: FieldErrors = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);
  const out: ValueMap = {};
  for (const [name, choices] of Object.entries(valueMap)) {
    const variable = definition.variables.find((v) => v.name === name);
    if (!variable) {
      add(name, `The template has no variable "${name}".`);
      continue;
    }
    if (variable.type !== "enum") {
      add(name, `${variable.label} has no list of allowed values to map to.`);
      continue;
    }
    const clean: Record<string, ValueChoice> = {};
    for (const [value, choice] of Object.entries(choices)) {
      if ("to" in choice) {
        const option = allowedOption(variable, choice.to);
        if (option === undefined)
          add(name, `"${choice.to}" is not one of ${variable.label}'s allowed values: ${variable.options.join(", ")}.`);
        else clean[value.trim()] = { to: option };
      } else if (choice.use === "default" && variable.default === undefined) {
        add(name, `${variable.label} has no default; map "${value}" to an allowed value or leave those rows out.`);
      } else clean[value.trim()] = choice;
    }
    out[name] = clean;
  }
  const first = Object.entries(fields)[0];
  if (first) throw new AppError("invalid_input", `Value mapping: ${first[1][0]}`, { fields });
  return out;
}

export type MappedValues =
  { values: Record<string, unknown>; skipped?: undefined } | { values?: undefined; skipped: string };

/**
 * One row's variable values after a (checked) value map: a mapped value is replaced, "default" removes
 * it (so the variable's default applies), "skip" leaves the row out with a reason naming the value.
 * Values the map does not name pass through unchanged (validation judges them).
 */
export function applyValueMap(
  definition: TemplateDefinition,
  valueMap: ValueMap,
  values: Readonly<Record<string, unknown>>,
  columnOf?: (name: string) => string | undefined,
): MappedValues {
  const out: Record<string, unknown> = { ...values };
  for (const [name, choices] of Object.entries(valueMap)) {
    const raw = values[name];
    if (typeof raw !== "string") continue;
    const choice = choices[raw.trim()];
    if (!choice) continue;
    if ("to" in choice) out[name] = choice.to;
    else if (choice.use === "default") delete out[name];
    else {
      const label = definition.variables.find((v) => v.name === name)?.label ?? name;
      const column = columnOf?.(name);
      return {
        skipped: `Left out at mapping: ${label} value "${raw.trim()}"${column ? ` (column "${column}")` : ""} was set to “ignore the row”.`,
      };
    }
  }
  return { values: out };
}

export type OffListColumn = {
  variable: string;
  label: string;
  column: string;
  options: string[];
  hasDefault: boolean;
  /** Distinct values (trimmed, as first written) outside the allowed list, most frequent first, with their row counts. */
  values: { value: string; rows: number }[];
};

/**
 * The mapped columns whose values fall outside an enum variable's allowed list: what the mapping step
 * offers to unmap or to map value by value. Empty cells are not listed (they take the default).
 */
export function offListColumns(
  definition: TemplateDefinition,
  rows: readonly { values: Readonly<Record<string, string>> }[],
  mapping: ColumnMapping,
): OffListColumn[] {
  const out: OffListColumn[] = [];
  for (const variable of definition.variables) {
    const column = mapping[variable.name];
    if (variable.type !== "enum" || typeof column !== "string") continue;
    const counts = new Map<string, { value: string; rows: number }>();
    for (const row of rows) {
      const value = (row.values[column] ?? "").trim();
      if (value === "" || allowedOption(variable, value) !== undefined) continue;
      const seen = counts.get(value);
      if (seen) seen.rows++;
      else counts.set(value, { value, rows: 1 });
    }
    if (counts.size === 0) continue;
    out.push({
      variable: variable.name,
      label: variable.label,
      column,
      options: variable.options,
      hasDefault: variable.default !== undefined,
      values: [...counts.values()].sort((a, b) => b.rows - a.rows || a.value.localeCompare(b.value)),
    });
  }
  return out;
}
