import type { z } from "zod";
import type { SimulatorConfig } from "./config";
import { BadImageError, OutputTooLargeError, UPSCALERS, decodeImage, img2img, upscale } from "./edit";
import { die } from "./hash";
import { SAMPLERS, SD_MODELS, findModel, type SdModel } from "./models";
import { blackPng, encodePng, renderPng, type RenderFaults } from "./render";
import {
  BadInterrogateImageError,
  interrogate,
  interrogateSchema,
  MissingImageError,
  UnknownInterrogatorError,
} from "./interrogate";
import { REMBG_MODELS, UnknownRembgModelError, removeBackground, rembgSchema } from "./rembg";
import {
  a1111Error,
  extrasSchema,
  img2imgSchema,
  txt2imgSchema,
  validationDetail,
  type Txt2ImgRequest,
} from "./requests";

/**
 * The /sdapi/v1 handlers: parse like A1111, answer with A1111's response shapes. Latency and
 * injected HTTP failures are the server's business (server.ts); these only see image faults.
 */
export type Reply = { status: number; body: unknown };
export type ImageFaults = RenderFaults & { duplicate?: boolean };
export type CallContext = {
  call: number;
  config: SimulatorConfig;
  faults: ImageFaults;
  currentModel: SdModel;
  onFiltered(): void;
};

const notFound = (detail: string): Reply => ({ status: 404, body: a1111Error("HTTPException", detail) });

function parse<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; reply: Reply } {
  const result = schema.safeParse(body ?? {});
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, reply: { status: 422, body: validationDetail(result.error) } };
}

/** Checks the parts A1111 checks before any GPU work: sampler and checkpoint. */
function resolve(req: Txt2ImgRequest, ctx: CallContext): { sampler: string; model: SdModel } | Reply {
  const sampler = req.sampler_name || req.sampler_index;
  if (!(SAMPLERS as readonly string[]).includes(sampler)) return notFound("Sampler not found");
  const wanted = req.override_settings?.sd_model_checkpoint;
  if (wanted === undefined || wanted === null || wanted === "") return { sampler, model: ctx.currentModel };
  const model = typeof wanted === "string" ? findModel(wanted) : undefined;
  return model ? { sampler, model } : notFound("Model not found");
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** The `info` string A1111 returns (Processed.js()), plus the filter flag and the faults applied. */
function info(
  req: Txt2ImgRequest,
  sampler: string,
  model: SdModel,
  seeds: number[],
  filtered: boolean,
  faults: ImageFaults,
  denoising: number | null,
): string {
  const applied = (["blur", "washedOut", "duplicate"] as const).filter((f) => faults[f]);
  const extra: Record<string, string> = applied.length ? { "Simulator faults": applied.join(",") } : {};
  const infotexts = seeds.map(
    (seed) =>
      `${req.prompt}\nNegative prompt: ${req.negative_prompt}\nSteps: ${req.steps}, Sampler: ${sampler}, CFG scale: ${req.cfg_scale}, ` +
      `Seed: ${seed}, Size: ${req.width}x${req.height}, Model hash: ${model.hash}, Model: ${model.model_name}, Version: kiln-simulator`,
  );
  return JSON.stringify({
    prompt: req.prompt,
    all_prompts: seeds.map(() => req.prompt),
    negative_prompt: req.negative_prompt,
    all_negative_prompts: seeds.map(() => req.negative_prompt),
    seed: seeds[0],
    all_seeds: seeds,
    subseed: -1,
    all_subseeds: seeds.map(() => -1),
    subseed_strength: 0,
    width: req.width,
    height: req.height,
    sampler_name: sampler,
    cfg_scale: req.cfg_scale,
    steps: req.steps,
    batch_size: req.batch_size,
    restore_faces: false,
    face_restoration_model: null,
    sd_model_name: model.model_name,
    sd_model_hash: model.hash,
    sd_vae_name: null,
    sd_vae_hash: null,
    seed_resize_from_w: -1,
    seed_resize_from_h: -1,
    denoising_strength: denoising,
    extra_generation_params: extra,
    index_of_first_image: 0,
    infotexts,
    styles: req.styles,
    job_timestamp: timestamp(),
    clip_skip: 1,
    is_using_inpainting_conditioning: false,
    version: "kiln-simulator",
    // Set by NSFW-filter extensions (diffusers' safety-checker naming); the adapter maps it to content_filtered.
    nsfw_content_detected: seeds.map(() => filtered),
  });
}

function seedsFor(req: Txt2ImgRequest, ctx: CallContext): number[] {
  // Like A1111: -1 means random; consecutive images of a batch use consecutive seeds.
  const first = req.seed === -1 ? Math.floor(die(ctx.config.faultSeed, ctx.call, "seed") * 4294967294) : req.seed;
  return Array.from({ length: req.batch_size * req.n_iter }, (_, i) => first + i);
}

function isFiltered(req: Txt2ImgRequest, ctx: CallContext): boolean {
  const filtered = req.prompt.toLowerCase().includes(ctx.config.nsfwMarker.toLowerCase());
  if (filtered) ctx.onFiltered();
  return filtered;
}

export async function txt2img(body: unknown, ctx: CallContext): Promise<Reply> {
  const parsed = parse(txt2imgSchema, body);
  if (!parsed.ok) return parsed.reply;
  const req = parsed.data;
  const r = resolve(req, ctx);
  if ("status" in r) return r;
  const seeds = seedsFor(req, ctx);
  const filtered = isFiltered(req, ctx);
  const images = await Promise.all(
    seeds.map(async (seed) => {
      if (filtered) return blackPng(req.width, req.height);
      // A duplicate fault ignores the seed: every such call returns the same picture for a prompt.
      const s = ctx.faults.duplicate ? 0 : seed;
      return renderPng(
        { prompt: req.prompt, seed: s, width: req.width, height: req.height, model: r.model.model_name },
        ctx.faults,
      );
    }),
  );
  const b64 = req.send_images ? images.map((i) => i.toString("base64")) : [];
  return {
    status: 200,
    body: { images: b64, parameters: req, info: info(req, r.sampler, r.model, seeds, filtered, ctx.faults, null) },
  };
}

export async function img2imgHandler(body: unknown, ctx: CallContext): Promise<Reply> {
  const parsed = parse(img2imgSchema, body);
  if (!parsed.ok) return parsed.reply;
  const req = parsed.data;
  const r = resolve(req, ctx);
  if ("status" in r) return r;
  if (!req.init_images) return notFound("Init image not found");
  const seeds = seedsFor(req, ctx);
  const filtered = isFiltered(req, ctx);
  try {
    const init = await decodeImage(req.init_images[0]!, req.width, req.height);
    const mask = req.mask ? await decodeImage(req.mask, req.width, req.height, true) : undefined;
    const images = await Promise.all(
      seeds.map(async (seed) => {
        if (filtered) return blackPng(req.width, req.height);
        const raw = await img2img({
          init,
          mask,
          denoisingStrength: req.denoising_strength,
          inpaintingFill: req.inpainting_fill,
          maskBlur: req.mask_blur,
          invertMask: req.inpainting_mask_invert === 1,
          render: {
            prompt: req.prompt,
            seed: ctx.faults.duplicate ? 0 : seed,
            width: req.width,
            height: req.height,
            model: r.model.model_name,
          },
          faults: { washedOut: ctx.faults.washedOut },
        });
        return encodePng(raw, req.width, req.height, { blur: ctx.faults.blur });
      }),
    );
    // A1111 drops the (large) input images from the echoed parameters unless include_init_images.
    const parameters = { ...req, init_images: null, mask: null };
    const b64 = req.send_images ? images.map((i) => i.toString("base64")) : [];
    return {
      status: 200,
      body: {
        images: b64,
        parameters,
        info: info(req, r.sampler, r.model, seeds, filtered, ctx.faults, req.denoising_strength),
      },
    };
  } catch (error) {
    if (error instanceof BadImageError) return { status: 500, body: a1111Error("HTTPException", error.message) };
    throw error;
  }
}

export async function extrasSingleImage(body: unknown): Promise<Reply> {
  const parsed = parse(extrasSchema, body);
  if (!parsed.ok) return parsed.reply;
  const req = parsed.data;
  if (!(UPSCALERS as readonly string[]).includes(req.upscaler_1))
    return notFound(`could not find upscaler named ${req.upscaler_1}`);
  try {
    const out =
      req.resize_mode === 0
        ? await upscale(req.image, { factor: req.upscaling_resize, upscaler: req.upscaler_1, crop: req.upscaling_crop })
        : await upscale(req.image, {
            width: req.upscaling_resize_w,
            height: req.upscaling_resize_h,
            upscaler: req.upscaler_1,
            crop: req.upscaling_crop,
          });
    const html = `<p>Postprocess upscale by: ${req.upscaling_resize}, Postprocess upscaler: ${req.upscaler_1}</p>`;
    return { status: 200, body: { html_info: html, image: out.toString("base64") } };
  } catch (error) {
    if (error instanceof BadImageError)
      return { status: 500, body: a1111Error("HTTPException", "Invalid encoded image") };
    if (error instanceof OutputTooLargeError) {
      return {
        status: 422,
        body: { detail: [{ type: "value_error", loc: ["body", "upscaling_resize"], msg: error.message }] },
      };
    }
    throw error;
  }
}

/** The rembg extension's POST /rembg (see rembg.ts); FastAPI answers a None return as JSON null. */
export async function rembgHandler(body: unknown): Promise<Reply> {
  const parsed = parse(rembgSchema, body);
  if (!parsed.ok) return parsed.reply;
  try {
    const out = await removeBackground(parsed.data);
    return { status: 200, body: out ? { image: out.toString("base64") } : null };
  } catch (error) {
    if (error instanceof BadImageError)
      return { status: 500, body: a1111Error("HTTPException", "Invalid encoded image") };
    if (error instanceof UnknownRembgModelError)
      return {
        status: 500,
        body: a1111Error("FileNotFoundError", "", `${error.message} (models: ${REMBG_MODELS.join(", ")})`),
      };
    throw error;
  }
}

/** POST /sdapi/v1/interrogate: { image, model } → { caption } (see interrogate.ts). */
export async function interrogateHandler(body: unknown): Promise<Reply> {
  const parsed = parse(interrogateSchema, body);
  if (!parsed.ok) return parsed.reply;
  try {
    return { status: 200, body: { caption: await interrogate(parsed.data) } };
  } catch (error) {
    if (error instanceof UnknownInterrogatorError || error instanceof MissingImageError) return notFound(error.message);
    if (error instanceof BadInterrogateImageError)
      return { status: 500, body: a1111Error("HTTPException", error.message) };
    throw error;
  }
}

export function sdModels(): Reply {
  return { status: 200, body: SD_MODELS };
}

export function upscalers(): Reply {
  return {
    status: 200,
    body: UPSCALERS.map((name) => ({
      name,
      model_name: null,
      model_path: null,
      model_url: null,
      scale: name === "None" ? 1 : 4,
    })),
  };
}

export function samplers(): Reply {
  return { status: 200, body: SAMPLERS.map((name) => ({ name, aliases: [], options: {} })) };
}
