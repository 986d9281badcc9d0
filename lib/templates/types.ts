/**
 * A prompt template version's content. Admins write it; designers only supply variable values.
 * The style tokens and negative prompt are locked: nothing a designer types can change them.
 */
export const VARIABLE_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

type VariableBase = {
  /** Identifier used in `{{name}}` placeholders and as the key of the values object. */
  name: string;
  /** What the form and the column-mapping UI show. */
  label: string;
  required: boolean;
};

export type TextVariable = VariableBase & { type: "text"; maxLength: number; default?: string };
export type EnumVariable = VariableBase & { type: "enum"; options: string[]; default?: string };
export type NumberVariable = VariableBase & { type: "number"; min: number; max: number; integer?: boolean; default?: number };

export type VariableDef = TextVariable | EnumVariable | NumberVariable;
export type VariableType = VariableDef["type"];

export type TemplateDefinition = {
  /** Locked; appended to every rendered prompt by the renderer. */
  styleTokens: string;
  /** Locked; used verbatim as the negative prompt. */
  negativePrompt: string;
  /** Prompt body with `{{variable}}` placeholders. */
  body: string;
  variables: VariableDef[];
  /**
   * How assets made with this version are titled, with `{{variable}}` and `{{column}}` placeholders
   * over the row's values and carried CSV columns (e.g. "{{product}} {{sku}}"). Absent: "Row 3, variant 1".
   */
  titlePattern?: string;
};

/** Validated values: text and enum values are strings, numbers are numbers. Absent = optional and unset. */
export type VariableValues = Record<string, string | number>;

export type RenderedPrompt = {
  prompt: string;
  negativePrompt: string;
  /** The validated values that went in (defaults applied), stored with the generation. */
  values: VariableValues;
};

/** Matches one placeholder; whitespace inside the braces is tolerated (`{{ name }}`). */
export const PLACEHOLDER_PATTERN = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** Placeholder names in order of first appearance, without duplicates. */
export function placeholdersOf(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER_PATTERN)) names.add(match[1]!);
  return [...names];
}
