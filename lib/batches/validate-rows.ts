import { renderTitlePattern } from "@/lib/assets/title";
import { checkVariable, renderTemplate } from "@/lib/templates/render";
import type { TemplateDefinition, VariableValues } from "@/lib/templates/types";
import type { CsvRow } from "./csv";
import { carriedValues, planCarriedColumns, type CarryPlan } from "./carry-columns";
import { checkMapping, valuesForRow, type ColumnMapping } from "./map-columns";
import { applyValueMap, checkValueMap, type ValueMap } from "./value-map";

export const DEFAULT_TIERS = ["draft", "support", "hero"] as const;

export type RowsInput = {
  definition: TemplateDefinition;
  csv: { headers: readonly string[]; rows: readonly CsvRow[] };
  mapping: ColumnMapping;
  /** Optional per-row tier column; an empty cell means "the batch's tier". */
  tier?: { column: string; tiers?: readonly string[] };
  /** File values mapped to allowed values, the default, or "leave the row out" (lib/batches/value-map.ts). */
  valueMap?: ValueMap;
};
/** `carried`: the row's columns that feed no variable (SKU, category…), keyed as in `carry`. */
export type ValidRow = {
  line: number;
  values: VariableValues;
  /** The mapped columns' values as written in the file, before the value map (what the server re-maps). */
  source: Record<string, string | number>;
  carried: Record<string, string>;
  tier?: string;
};
/** `values`: the row as it is in the file (every column), for the error CSV. */
export type InvalidRow = { line: number; errors: string[]; values: Record<string, string> };
export type ValidatedRows = {
  valid: ValidRow[];
  invalid: InvalidRow[];
  /** Which columns are carried as metadata, renamed or dropped, and which values were cut (key → rows). */
  carry: CarryPlan & { cut: Record<string, number> };
};

type Checked = {
  line: number;
  values: VariableValues;
  source: Record<string, string | number>;
  carried: Record<string, string>;
  cut: string[];
  tier?: string;
  errors: string[];
};

/** The carry plan of this input: every column not mapped to a variable and not the tier column. */
export function carryPlanOf(input: RowsInput): CarryPlan {
  return planCarriedColumns({
    headers: input.csv.headers,
    mapping: input.mapping,
    variableNames: input.definition.variables.map((v) => v.name),
    tierColumn: input.tier?.column,
  });
}

/**
 * A row's problem with one variable. An off-list enum value is named, so a column of the same wrong
 * value groups into one line ("Background: "studio grey" is not one of …") and different values stay apart.
 */
function rowMessage(variable: TemplateDefinition["variables"][number], raw: unknown, message: string): string {
  const given = typeof raw === "string" ? raw.trim() : raw;
  if (variable.type === "enum" && given !== "" && given !== undefined && given !== null)
    return `${variable.label}: "${String(given)}" is not one of the allowed values (${variable.options.join(", ")})`;
  return message.replace(/\.$/, "");
}

function checkRow(input: RowsInput, row: CsvRow, carry: CarryPlan): Checked {
  const { definition, mapping, tier } = input;
  const errors = [...(row.errors ?? [])];
  const source = valuesForRow(mapping, row.values);
  const mapped = applyValueMap(definition, input.valueMap ?? {}, source, (name) =>
    typeof mapping[name] === "string" ? (mapping[name] as string) : undefined,
  );
  const values: VariableValues = {};
  if (mapped.skipped !== undefined) errors.push(mapped.skipped);
  const raw = mapped.values ?? {};
  for (const variable of mapped.skipped === undefined ? definition.variables : []) {
    const checked = checkVariable(variable, raw[variable.name]);
    const source = mapping[variable.name];
    if (!checked.ok)
      errors.push(
        typeof source === "string"
          ? `${rowMessage(variable, raw[variable.name], checked.message)} (column "${source}").`
          : checked.message,
      );
    else if (checked.value !== undefined) values[variable.name] = checked.value;
  }
  let rowTier: string | undefined;
  if (tier) {
    const tiers = tier.tiers ?? DEFAULT_TIERS;
    const cell = (row.values[tier.column] ?? "").trim();
    if (cell !== "") {
      rowTier = tiers.find((t) => t.toLowerCase() === cell.toLowerCase());
      if (rowTier === undefined)
        errors.push(`Tier "${cell}" (column "${tier.column}") is not one of: ${tiers.join(", ")}.`);
    }
  }
  const carried = carriedValues(carry, row.values);
  return {
    line: row.line,
    values,
    source,
    carried: carried.values,
    cut: carried.cut,
    ...(rowTier ? { tier: rowTier } : {}),
    errors,
  };
}

/**
 * Validates every row of a parsed CSV under a column mapping. Mapping mistakes throw once
 * (AppError invalid_input); row problems are collected per row with the row's line in the file.
 */
export function validateRows(input: RowsInput): ValidatedRows {
  checkMapping({
    definition: input.definition,
    headers: input.csv.headers,
    mapping: input.mapping,
    tierColumn: input.tier?.column,
  });
  input = { ...input, valueMap: checkValueMap(input.definition, input.valueMap) };
  const carry = carryPlanOf(input);
  const result: ValidatedRows = { valid: [], invalid: [], carry: { ...carry, cut: {} } };
  for (const row of input.csv.rows) {
    const { errors, cut, ...ok } = checkRow(input, row, carry);
    if (errors.length) result.invalid.push({ line: row.line, errors, values: row.values });
    else {
      result.valid.push(ok);
      for (const key of cut) result.carry.cut[key] = (result.carry.cut[key] ?? 0) + 1;
    }
  }
  return result;
}

export type PreviewRow = {
  line: number;
  values: VariableValues;
  carried: Record<string, string>;
  tier?: string;
  errors: string[];
  prompt?: string;
  negativePrompt?: string;
  /** The template's title pattern over this row ("" without a pattern). */
  title?: string;
};

/** The first `n` rows as the mapping UI shows them: values, rendered prompt, or the row's errors. */
export function preview(input: RowsInput, n = 5): PreviewRow[] {
  checkMapping({
    definition: input.definition,
    headers: input.csv.headers,
    mapping: input.mapping,
    tierColumn: input.tier?.column,
  });
  input = { ...input, valueMap: checkValueMap(input.definition, input.valueMap) };
  const carry = carryPlanOf(input);
  return input.csv.rows.slice(0, Math.max(0, n)).map((row) => {
    const { cut: _cut, source: _source, ...checked } = checkRow(input, row, carry);
    if (checked.errors.length) return checked;
    const rendered = renderTemplate(input.definition, checked.values);
    const title = renderTitlePattern(input.definition.titlePattern, {
      values: checked.values,
      carried: checked.carried,
    });
    return { ...checked, prompt: rendered.prompt, negativePrompt: rendered.negativePrompt, title };
  });
}
