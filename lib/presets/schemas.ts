import { z } from "zod";
import { TIERS } from "@/db/schema/presets";
import { priceModelSchema } from "@/lib/costs/estimate";
import { slugSchema } from "@/lib/catalog/slug";

export const PRESET_LIMITS = { loras: 8, thresholds: 30, note: 500, model: 200 } as const;

const NO_CONTROLS = /^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$/;
/** Tags that move under you: a preset must reproduce the same images next month. */
const FLOATING_TAGS = new Set([
  "latest",
  "newest",
  "current",
  "stable",
  "main",
  "master",
  "head",
  "nightly",
  "default",
  "edge",
]);

function floatingTagOf(model: string): string | null {
  const lower = model.toLowerCase();
  if (FLOATING_TAGS.has(lower)) return lower;
  // "sdxl:latest", "org/model@main": the tag after the last ":" or "@".
  const tag = /[:@]([^:@]*)$/.exec(lower)?.[1];
  if (tag !== undefined && FLOATING_TAGS.has(tag)) return tag;
  return /[-_.](latest|newest|nightly)$/.exec(lower)?.[1] ?? null;
}

export const modelSchema = z
  .string({ error: "Enter the model." })
  .trim()
  .min(1, "Enter the model.")
  .max(PRESET_LIMITS.model, `Model ids are at most ${PRESET_LIMITS.model} characters.`)
  .regex(NO_CONTROLS, "The model id may not contain control characters.")
  .superRefine((model, ctx) => {
    const tag = floatingTagOf(model);
    if (tag)
      ctx.addIssue({
        code: "custom",
        message: `"${tag}" is a floating tag; pin a version (e.g. sdxl-base-1.0 or owner/model:<sha>).`,
      });
    else if (!/\d/.test(model))
      ctx.addIssue({
        code: "custom",
        message: "Pin a version: the model id needs a version number or hash (e.g. kiln-sim-hero-v2).",
      });
  });

const num = (what: string) => z.number({ error: `${what} must be a number.` }).finite(`${what} must be a number.`);
const size = (what: string) =>
  num(what)
    .int(`${what} must be whole pixels.`)
    .min(256, `${what} must be at least 256.`)
    .max(2048, `${what} must be at most 2048.`)
    .refine((n) => n % 64 === 0, `${what} must be a multiple of 64.`);

export const paramsSchema = z.object({
  width: size("Width"),
  height: size("Height"),
  steps: num("Steps")
    .int("Steps must be a whole number.")
    .min(1, "Steps must be 1 to 150.")
    .max(150, "Steps must be 1 to 150."),
  sampler: z
    .string({ error: "Enter a sampler." })
    .trim()
    .min(1, "Enter a sampler.")
    .max(60, "Sampler names are at most 60 characters.")
    .regex(NO_CONTROLS, "No control characters."),
  cfgScale: num("CFG scale").min(1, "CFG scale must be 1 to 30.").max(30, "CFG scale must be 1 to 30."),
});

export const loraSchema = z.object({
  name: z
    .string({ error: "Name the LoRA." })
    .trim()
    .min(1, "Name the LoRA.")
    .max(200, "LoRA names are at most 200 characters.")
    .regex(NO_CONTROLS, "No control characters."),
  weight: num("LoRA weight")
    .min(-2, "LoRA weight must be between -2 and 2.")
    .max(2, "LoRA weight must be between -2 and 2."),
});

export const lorasSchema = z
  .array(loraSchema)
  .max(PRESET_LIMITS.loras, `At most ${PRESET_LIMITS.loras} LoRAs.`)
  .refine((l) => new Set(l.map((x) => x.name.toLowerCase())).size === l.length, "Each LoRA may appear once.");

export const thresholdsSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_.-]{0,59}$/, "Check ids use lower-case letters, digits, _ . -"),
    num("A threshold"),
  )
  .refine((r) => Object.keys(r).length <= PRESET_LIMITS.thresholds, `At most ${PRESET_LIMITS.thresholds} thresholds.`);

const noteSchema = z
  .string()
  .trim()
  .max(PRESET_LIMITS.note, `Notes are at most ${PRESET_LIMITS.note} characters.`)
  .optional()
  .nullable()
  .transform((n) => n || null);

/** The content of one immutable preset version. */
export const versionContentSchema = z.object({
  providerId: z.string({ error: "Choose a provider." }).uuid("Choose a provider."),
  model: modelSchema,
  loras: lorasSchema.default([]),
  params: paramsSchema,
  priceModel: priceModelSchema,
  checkThresholds: thresholdsSchema.default({}),
  rerollLimit: z
    .number({ error: "Enter how many re-rolls (0 to 5)." })
    .int("Re-rolls are a whole number.")
    .min(0, "Re-rolls are 0 to 5.")
    .max(5, "Re-rolls are 0 to 5.")
    .default(0),
  note: noteSchema,
});
export type VersionContent = z.infer<typeof versionContentSchema>;

const uuid = (what: string) => z.string({ error: `Unknown ${what}.` }).uuid(`Unknown ${what}.`);

export const createPresetInput = versionContentSchema.extend({
  slug: slugSchema("hero-packshot"),
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(120, "Names are at most 120 characters.")
    .regex(NO_CONTROLS, "No control characters."),
  tier: z.enum(TIERS, { error: `Tier must be one of: ${TIERS.join(", ")}.` }),
});

export const createPresetVersionInput = versionContentSchema.extend({ presetId: uuid("preset") });
export const rollbackPresetInput = z.object({ presetId: uuid("preset"), versionId: uuid("version") });
