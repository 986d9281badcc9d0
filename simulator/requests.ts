import { z } from "zod";

/**
 * Request bodies of A1111's API (modules/api/models.py), with A1111's defaults. Only the fields the
 * simulator acts on are listed; unknown fields are accepted and ignored, as pydantic does there.
 * Sizes are stricter than A1111 (which rounds): multiples of 8 from 64 to 2048, so a bad preset
 * shows up as a 422 here instead of silently producing another size.
 */
const size = z
  .number()
  .int()
  .min(64)
  .max(2048)
  .refine((v) => v % 8 === 0, "Value must be a multiple of 8");

const generationFields = {
  prompt: z.string().default(""),
  negative_prompt: z.string().default(""),
  styles: z.array(z.string()).default([]),
  seed: z.number().int().min(-1).max(4294967295).default(-1),
  sampler_name: z.string().nullable().optional(),
  sampler_index: z.string().default("Euler"),
  batch_size: z.number().int().min(1).max(8).default(1),
  n_iter: z.number().int().min(1).max(8).default(1),
  steps: z.number().int().min(1).max(150).default(50),
  cfg_scale: z.number().min(1).max(30).default(7),
  width: size.default(512),
  height: size.default(512),
  override_settings: z.record(z.string(), z.unknown()).nullable().default({}),
  override_settings_restore_afterwards: z.boolean().default(true),
  send_images: z.boolean().default(true),
  save_images: z.boolean().default(false),
  force_task_id: z.string().max(200).nullable().optional(),
};

export const txt2imgSchema = z.looseObject(generationFields);

export const img2imgSchema = z.looseObject({
  ...generationFields,
  init_images: z.array(z.string()).min(1).nullable().default(null),
  mask: z.string().nullable().default(null),
  denoising_strength: z.number().min(0).max(1).default(0.75),
  resize_mode: z.number().int().min(0).max(3).default(0),
  mask_blur: z.number().int().min(0).max(64).default(4),
  inpainting_fill: z.number().int().min(0).max(3).default(0),
  inpaint_full_res: z.union([z.boolean(), z.number()]).default(true),
  inpainting_mask_invert: z.number().int().min(0).max(1).default(0),
});

export const extrasSchema = z.looseObject({
  image: z.string().default(""),
  resize_mode: z.union([z.literal(0), z.literal(1)]).default(0),
  upscaling_resize: z.number().gt(0).max(8).default(2),
  upscaling_resize_w: z.number().int().min(1).max(8192).default(512),
  upscaling_resize_h: z.number().int().min(1).max(8192).default(512),
  upscaling_crop: z.boolean().default(true),
  upscaler_1: z.string().default("None"),
  upscaler_2: z.string().default("None"),
});

export type Txt2ImgRequest = z.infer<typeof txt2imgSchema>;
export type Img2ImgRequest = z.infer<typeof img2imgSchema>;
export type ExtrasRequest = z.infer<typeof extrasSchema>;

/** FastAPI's 422 body for a request that fails validation: { detail: [{ type, loc, msg, input }] }. */
export function validationDetail(error: z.ZodError): {
  detail: { type: string; loc: (string | number)[]; msg: string; input?: unknown }[];
} {
  return {
    detail: error.issues.map((issue) => ({
      type: issue.code === "invalid_type" ? "type_error" : "value_error",
      loc: ["body", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
      msg: issue.message,
      ...("input" in issue ? { input: issue.input } : {}),
    })),
  };
}

/** A1111's exception middleware body for an HTTPException or any other error. */
export function a1111Error(
  error: string,
  detail: string,
  errors = "",
): { error: string; detail: string; body: string; errors: string } {
  return { error, detail, body: "", errors };
}
