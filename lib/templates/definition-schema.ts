import { z } from "zod";
import { parseInput } from "@/lib/errors";
import {
  optionalSegmentProblems,
  PLACEHOLDER_PATTERN,
  VARIABLE_NAME_PATTERN,
  placeholdersOf,
  type TemplateDefinition,
} from "./types";

/** Size limits keep a rendered prompt inside what backends accept and what the audit trail stores comfortably. */
export const TEMPLATE_LIMITS = {
  styleTokens: 1_000,
  negativePrompt: 2_000,
  body: 2_000,
  variables: 30,
  variableName: 40,
  label: 80,
  textMaxLength: 1_000,
  enumOptions: 100,
  enumOption: 80,
  /** A title pattern: names asset titles of at most 200 characters, so the pattern itself stays shorter. */
  titlePattern: 200,
  /** Body + style tokens + every text variable at its max length. */
  renderedPrompt: 6_000,
} as const;

const NO_CONTROLS = /^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$/;
const locked = (max: number) =>
  z.string().trim().max(max).regex(NO_CONTROLS, "must be a single line without control characters");
// Options reach the prompt, so they may not carry prompt syntax either (see neutraliseValue).
const OPTION = /^[^()[\]{}<>\\|:+\u0000-\u001F\u007F-\u009F]+$/;

const base = {
  name: z
    .string()
    .max(TEMPLATE_LIMITS.variableName)
    .regex(VARIABLE_NAME_PATTERN, "must start with a lower-case letter and use only a-z, 0-9 and _"),
  label: z.string().trim().min(1, "is required").max(TEMPLATE_LIMITS.label).regex(NO_CONTROLS, "must be a single line"),
  required: z.boolean(),
};

const textVariable = z
  .object({
    ...base,
    type: z.literal("text"),
    maxLength: z.number().int().min(1).max(TEMPLATE_LIMITS.textMaxLength),
    default: z.string().trim().optional(),
  })
  .refine((v) => v.default === undefined || [...v.default].length <= v.maxLength, {
    message: "default is longer than maxLength",
    path: ["default"],
  });

const enumVariable = z
  .object({
    ...base,
    type: z.literal("enum"),
    options: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(TEMPLATE_LIMITS.enumOption)
          .regex(OPTION, "may not contain ( ) [ ] { } < > \\ | : + or control characters"),
      )
      .min(1, "needs at least one option")
      .max(TEMPLATE_LIMITS.enumOptions)
      .refine(
        (options) => new Set(options.map((o) => o.toLowerCase())).size === options.length,
        "options must be unique (ignoring case)",
      ),
    default: z.string().trim().optional(),
  })
  .refine((v) => v.default === undefined || v.options.includes(v.default), {
    message: "default must be one of the options",
    path: ["default"],
  });

const numberVariable = z
  .object({
    ...base,
    type: z.literal("number"),
    min: z.number().finite(),
    max: z.number().finite(),
    integer: z.boolean().optional(),
    default: z.number().finite().optional(),
  })
  .refine((v) => v.min <= v.max, { message: "min must not exceed max", path: ["max"] })
  .refine((v) => !v.integer || (Number.isInteger(v.min) && Number.isInteger(v.max)), {
    message: "integer variables need whole min and max",
    path: ["min"],
  })
  .refine(
    (v) =>
      v.default === undefined ||
      (v.default >= v.min && v.default <= v.max && (!v.integer || Number.isInteger(v.default))),
    {
      message: "default must be within min..max (and whole when integer)",
      path: ["default"],
    },
  );

export const variableDefSchema = z.discriminatedUnion("type", [textVariable, enumVariable, numberVariable]);

/** Validates a template version before it is saved; placeholders and declarations must agree exactly. */
export const templateDefinitionSchema = z
  .object({
    styleTokens: locked(TEMPLATE_LIMITS.styleTokens),
    negativePrompt: locked(TEMPLATE_LIMITS.negativePrompt),
    body: z.string().trim().min(1, "is required").max(TEMPLATE_LIMITS.body),
    variables: z.array(variableDefSchema).max(TEMPLATE_LIMITS.variables),
    // Empty means "no pattern" (titles fall back to "Row 3, variant 1"); stored absent, not "".
    titlePattern: locked(TEMPLATE_LIMITS.titlePattern).optional(),
  })
  .superRefine((def, ctx) => {
    const declared = new Map<string, number>();
    def.variables.forEach((v, i) => {
      if (declared.has(v.name))
        ctx.addIssue({
          code: "custom",
          message: `variable "${v.name}" is declared twice`,
          path: ["variables", i, "name"],
        });
      declared.set(v.name, i);
    });
    const used = placeholdersOf(def.body);
    for (const name of used) {
      if (!declared.has(name))
        ctx.addIssue({ code: "custom", message: `placeholder {{${name}}} has no declared variable`, path: ["body"] });
    }
    for (const [name, i] of declared) {
      if (!used.includes(name))
        ctx.addIssue({
          code: "custom",
          message: `variable "${name}" is never used in the body`,
          path: ["variables", i, "name"],
        });
    }
    // Anything brace-like left after removing valid placeholders is a typo ({{Name}}, {{ x }, {{}}).
    const leftover = def.body.replace(PLACEHOLDER_PATTERN, "");
    if (/\{\{|\}\}/.test(leftover))
      ctx.addIssue({
        code: "custom",
        message: "malformed placeholder: use {{name}} with a declared lower-case name",
        path: ["body"],
      });
    const optional = new Set(def.variables.filter((v) => !v.required && v.default === undefined).map((v) => v.name));
    for (const message of optionalSegmentProblems(def.body, optional))
      ctx.addIssue({ code: "custom", message, path: ["body"] });
    if (def.titlePattern) {
      // Names that are not variables are CSV columns carried as metadata (e.g. {{sku}}); only the syntax can be wrong.
      if (/\{\{|\}\}/.test(def.titlePattern.replace(PLACEHOLDER_PATTERN, "")))
        ctx.addIssue({
          code: "custom",
          message: "malformed placeholder: use {{name}} with a lower-case variable or CSV column name",
          path: ["titlePattern"],
        });
      else if (placeholdersOf(def.titlePattern).length === 0)
        ctx.addIssue({
          code: "custom",
          message: "name at least one {{variable}} or {{column}}, or leave it empty",
          path: ["titlePattern"],
        });
    }
    const worst =
      def.body.length +
      def.styleTokens.length +
      def.variables.reduce((sum, v) => sum + (v.type === "text" ? v.maxLength : v.type === "enum" ? 80 : 24), 0);
    if (worst > TEMPLATE_LIMITS.renderedPrompt) {
      ctx.addIssue({
        code: "custom",
        message: `a fully filled prompt could reach ${worst} characters; the limit is ${TEMPLATE_LIMITS.renderedPrompt}`,
        path: ["body"],
      });
    }
  });

/** Parses an admin's template version; throws AppError invalid_input with per-field messages. */
export function parseTemplateDefinition(input: unknown): TemplateDefinition {
  const { titlePattern, ...parsed }: TemplateDefinition = parseInput(templateDefinitionSchema, input);
  return titlePattern ? { ...parsed, titlePattern } : parsed;
}
