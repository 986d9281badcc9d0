import { z } from "zod";
import { parseInput } from "@/lib/errors";
import {
  OPTIONAL_SEGMENT_PATTERN,
  PLACEHOLDER_PATTERN,
  type RenderedPrompt,
  type TemplateDefinition,
  type VariableDef,
  type VariableValues,
} from "./types";

/** C0/C1 controls except tab, LF and CR (a textarea may send those; the renderer flattens them), plus bidi overrides. */
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Checked = { ok: true; value: string | number | undefined } | { ok: false; message: string };

/** Validates one raw value (form input or CSV cell) against its declaration; empty means "not given". */
export function checkVariable(def: VariableDef, raw: unknown): Checked {
  if (raw !== undefined && raw !== null && typeof raw !== "string" && typeof raw !== "number") {
    return { ok: false, message: `${def.label} must be ${def.type === "number" ? "a number" : "text"}.` };
  }
  const given = raw === undefined || raw === null ? "" : typeof raw === "number" ? raw : raw.trim();
  if (given === "") {
    if (def.default !== undefined) return { ok: true, value: def.default };
    return def.required ? { ok: false, message: `${def.label} is required.` } : { ok: true, value: undefined };
  }
  switch (def.type) {
    case "text": {
      const text = String(given);
      if (FORBIDDEN_CONTROL.test(text)) return { ok: false, message: `${def.label} contains control characters.` };
      // Counted in code points so an emoji is one character, as a person would count it.
      if ([...text].length > def.maxLength)
        return { ok: false, message: `${def.label} must be at most ${def.maxLength} characters.` };
      return { ok: true, value: text };
    }
    case "enum": {
      // CSV exports rarely match an option's case exactly; accept any case, store the canonical option.
      const wanted = String(given).toLowerCase();
      const option = def.options.find((o) => o.toLowerCase() === wanted);
      return option !== undefined
        ? { ok: true, value: option }
        : { ok: false, message: `${def.label} must be one of: ${def.options.join(", ")}.` };
    }
    case "number": {
      const n = typeof given === "number" ? given : NUMERIC.test(given) ? Number(given) : Number.NaN;
      if (!Number.isFinite(n)) return { ok: false, message: `${def.label} must be a number.` };
      if (def.integer && !Number.isInteger(n)) return { ok: false, message: `${def.label} must be a whole number.` };
      if (n < def.min || n > def.max)
        return { ok: false, message: `${def.label} must be between ${def.min} and ${def.max}.` };
      return { ok: true, value: n };
    }
  }
}

/** Zod schema for a template's values: unknown keys are dropped, unset optional values are absent. */
export function variablesSchema(def: TemplateDefinition): z.ZodType<VariableValues> {
  // One transform over the whole object (not z.object) so absent keys reach checkVariable and get defaults.
  return z.unknown().transform((input, ctx) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: "custom", message: "Values must be an object." });
      return z.NEVER;
    }
    const raw = input as Record<string, unknown>;
    const values: VariableValues = {};
    for (const variable of def.variables) {
      const checked = checkVariable(variable, Object.hasOwn(raw, variable.name) ? raw[variable.name] : undefined);
      if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.message, path: [variable.name] });
      else if (checked.value !== undefined) values[variable.name] = checked.value;
    }
    return values;
  });
}

/**
 * Makes a value inert as prompt syntax for A1111/Forge, ComfyUI, Compel and the Dynamic Prompts extension:
 * brackets (attention weights, prompt editing, `<lora:…>`), `:` (weights, `embedding:`), `|` (alternation),
 * backslash (escapes), braces and `__x__` (wildcards), `+`/dangling `-` (Compel weights), newlines, and the
 * upper-case keywords AND / BREAK / ADDCOL… that split a prompt. Characters become spaces, not escapes,
 * because escape syntax differs per backend while a space means the same everywhere.
 */
export function neutraliseValue(value: string): string {
  return value
    .replace(/[\s\u0085\u2028\u2029]+/g, " ")
    .replace(/[()[\]{}<>\\|:+]/g, " ")
    .replace(/-{2,}/g, " ")
    .replace(/(?<![\p{L}\p{N}])-|-(?![\p{L}\p{N}])/gu, " ")
    .replace(/_{2,}/g, "_")
    .replace(/\b(AND|BREAK|ADDCOMM|ADDBASE|ADDCOL|ADDROW)\b/g, (word) => word.toLowerCase())
    .replace(/ {2,}/g, " ")
    .trim();
}

/** Tidies what an unset optional variable leaves behind ("of , in" → "of, in"); touches only spaces and commas. */
function tidy(prompt: string): string {
  return prompt
    .replace(/\s+/g, " ")
    .replace(/\s+,/g, ",")
    .replace(/,(\s*,)+/g, ",")
    .replace(/^[\s,]+|[\s,]+$/g, "");
}

/**
 * Renders a template: validates the values (throws AppError invalid_input with per-variable messages),
 * drops the optional segments whose variables are empty (`[[made of {{material}}, ]]`), substitutes the
 * values neutralised in one pass (a value containing `{{x}}` is never expanded again), then
 * appends the locked style tokens. The negative prompt is the template's, verbatim.
 */
export function renderTemplate(def: TemplateDefinition, input: unknown): RenderedPrompt {
  const values = parseInput(variablesSchema(def), input ?? {});
  const text = (name: string) => (values[name] === undefined ? "" : neutraliseValue(String(values[name])));
  // Optional segments first: kept without their brackets when every placeholder inside has a value, else dropped whole.
  const withSegments = def.body.replace(OPTIONAL_SEGMENT_PATTERN, (_, inner: string) =>
    [...inner.matchAll(PLACEHOLDER_PATTERN)].every((m) => text(m[1]!) !== "") ? inner : "",
  );
  const body = withSegments.replace(PLACEHOLDER_PATTERN, (_, name: string) => text(name));
  const prompt = [tidy(body), def.styleTokens.trim()].filter(Boolean).join(", ");
  return { prompt, negativePrompt: def.negativePrompt.trim(), values };
}
