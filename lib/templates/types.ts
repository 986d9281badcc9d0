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
export type NumberVariable = VariableBase & {
  type: "number";
  min: number;
  max: number;
  integer?: boolean;
  default?: number;
};

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

/**
 * An optional segment: `[[made of {{material}}, ]]` is kept (without the brackets) when every
 * placeholder inside has a value, and dropped whole when one is empty, so an unset optional variable
 * leaves no "made of ," behind. No nesting; each segment names at least one optional variable.
 */
export const OPTIONAL_SEGMENT_PATTERN = /\[\[((?:(?!\[\[|\]\]).)*?)\]\]/gs;

/** What is wrong with a body's optional segments (unclosed, nested, naming no optional variable), in words. */
export function optionalSegmentProblems(body: string, optionalNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const match of body.matchAll(OPTIONAL_SEGMENT_PATTERN)) {
    const inner = placeholdersOf(match[1]!);
    if (!inner.some((n) => optionalNames.has(n)))
      problems.push(`optional segment “[[${match[1]}]]” must contain an optional variable's {{placeholder}}`);
  }
  const leftover = body.replace(OPTIONAL_SEGMENT_PATTERN, "");
  if (/\[\[|\]\]/.test(leftover))
    problems.push("unclosed or nested optional segment: write [[text with {{variable}}]], one level deep");
  return problems;
}
