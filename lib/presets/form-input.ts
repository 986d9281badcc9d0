import type { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";
import { dollarsToMicros } from "./money";
import { createPresetInput, createPresetVersionInput } from "./schemas";

/** Flat form fields as the admin page posts them (FormData entries; files are ignored). */
export type FormFields = Record<string, unknown>;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const AMOUNT_KEY: Record<string, string> = {
  per_image: "microsPerImage",
  per_megapixel: "microsPerMegapixel",
  per_gpu_second: "microsPerGpuSecond",
};

const text = (f: FormFields, k: string) => (typeof f[k] === "string" ? (f[k] as string) : undefined);
/** "" is absent; anything not a plain decimal becomes NaN, which the schema reports by field. */
function numberOf(raw: string | undefined): number | undefined {
  const t = raw?.trim() ?? "";
  if (t === "") return undefined;
  return NUMBER.test(t) ? Number(t) : Number.NaN;
}

function lorasOf(f: FormFields) {
  const indices = [...new Set(Object.keys(f).flatMap((k) => /^loras\.(\d+)\./.exec(k)?.[1] ?? []))]
    .map(Number)
    .sort((a, b) => a - b);
  return indices
    .map((i) => ({ name: text(f, `loras.${i}.name`)?.trim() ?? "", weight: text(f, `loras.${i}.weight`) ?? "" }))
    .filter((l) => l.name !== "" || l.weight.trim() !== "") // blank rows are "no LoRA", not an error
    .map((l) => ({ name: l.name, weight: numberOf(l.weight) }));
}

/** "check = number" per line; errors name the line so the admin can find it. */
function thresholdsOf(raw: string | undefined, errors: FieldErrors): Record<string, number> {
  const out: Record<string, number> = {};
  (raw ?? "").split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    const m = /^\s*([^=:]+?)\s*[=:]\s*(.+?)\s*$/.exec(line);
    const value = numberOf(m?.[2]);
    if (!m || value === undefined || Number.isNaN(value)) {
      (errors.checkThresholds ??= []).push(`Line ${i + 1}: write "check = number", e.g. "sharpness = 0.35".`);
      return;
    }
    out[m[1]!] = value;
  });
  return out;
}

function priceModelOf(f: FormFields, errors: FieldErrors) {
  const kind = text(f, "priceModel.kind") ?? "";
  const key = AMOUNT_KEY[kind];
  if (!key) {
    errors["priceModel.kind"] = ["Choose how this model is billed."];
    return undefined;
  }
  let micros: number | undefined;
  try {
    micros = dollarsToMicros(text(f, "priceModel.amount") ?? "", "priceModel.amount");
  } catch (error) {
    if (!(error instanceof AppError) || !error.fields) throw error;
    Object.assign(errors, error.fields);
  }
  const model: Record<string, unknown> = { kind, [key]: micros };
  if (kind === "per_gpu_second") model.expectedGpuSeconds = numberOf(text(f, "priceModel.expectedGpuSeconds"));
  return model;
}

function fromForm<S extends z.ZodType>(schema: S, f: FormFields, extra: Record<string, unknown>): unknown {
  const errors: FieldErrors = {};
  const input = {
    ...extra,
    providerId: text(f, "providerId"),
    model: text(f, "model"),
    loras: lorasOf(f),
    params: {
      width: numberOf(text(f, "params.width")),
      height: numberOf(text(f, "params.height")),
      steps: numberOf(text(f, "params.steps")),
      sampler: text(f, "params.sampler"),
      cfgScale: numberOf(text(f, "params.cfgScale")),
    },
    priceModel: priceModelOf(f, errors),
    checkThresholds: thresholdsOf(text(f, "checkThresholds"), errors),
    rerollLimit: numberOf(text(f, "rerollLimit") ?? "0"),
    note: text(f, "note"),
  };
  if (Object.keys(errors).length === 0) return input;
  // Report the form's own errors together with the schema's, so one submit shows every problem.
  // Schema issues under a field the form already flagged (a bad price) would only repeat it.
  const flagged = new Set(Object.keys(errors).map((k) => k.split(".")[0]));
  const parsed = schema.safeParse(input);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const k = issue.path.join(".") || "_";
    if (!flagged.has(k.split(".")[0]!)) (errors[k] ??= []).push(issue.message);
  }
  const first = Object.entries(errors)[0]!;
  throw new AppError("invalid_input", `${first[0]}: ${first[1][0]}`, { fields: errors });
}

/** The edit form → createPresetVersion input (dollars become exact integer micros here). */
export function presetVersionInputFromForm(f: FormFields): unknown {
  return fromForm(createPresetVersionInput, f, { presetId: text(f, "presetId") });
}

/** The "New preset" form → createPreset input. */
export function createPresetInputFromForm(f: FormFields): unknown {
  return fromForm(createPresetInput, f, { slug: text(f, "slug"), name: text(f, "name"), tier: text(f, "tier") });
}
