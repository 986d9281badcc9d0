import { randomUUID } from "node:crypto";
import { sniffImageType } from "./download";
import { Base64Blob, parseJsonWithBlobs } from "./json-blobs";
import {
  fetchFor,
  kindForStatus,
  numberOption,
  parseJson,
  readBytes,
  readText,
  request,
  responseLimit,
  withCall,
  type ErrorBody,
} from "./http-call";
import {
  ProviderError,
  type AdapterDeps,
  type CallOptions,
  type Capability,
  type GenerateRequest,
  type ImageResult,
  type ImageToImageRequest,
  type InpaintRequest,
  type ProviderAdapter,
  type ProviderConfig,
  type RemoveBackgroundRequest,
  type UpscaleRequest,
} from "./types";

/**
 * AUTOMATIC1111 / Forge adapter (the web UI started with --api). Also the adapter for Kiln's
 * built-in GPU simulator, which speaks the same API. A1111 is self-hosted, so it bills nothing per
 * call (billable false); gpuSeconds is the measured call time, for per-GPU-second price models.
 *
 * config.options (all optional): timeoutMs (default 120000), upscaler (default "R-ESRGAN 4x+"),
 * denoisingStrength (0.75), inpaintingFill (0 = fill, A1111's API default), maskBlur (4),
 * rembgModel ("u2net"), rembgAlphaMatting (false).
 *
 * Background removal needs the stable-diffusion-webui-rembg extension (its POST /rembg); whether an
 * endpoint has it is read from the endpoint's FastAPI schema (`hasRembgExtension`). The simulator has it.
 */
export const A1111_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "generate",
  "inpaint",
  "upscale",
  "removeBackground",
]);

const LABEL = "The AUTOMATIC1111 endpoint";
const LORA_NAME = /^[\w .+\-()[\]]+$/;

type Info = { seed?: unknown; all_seeds?: unknown; nsfw_content_detected?: unknown };

function option<T>(config: ProviderConfig, key: string, fallback: T): T {
  const value = config.options?.[key];
  return value === undefined || value === null ? fallback : (value as T);
}

/** A1111 takes LoRAs as prompt tokens, `<lora:name:weight>`, resolved by its extra-networks parser. */
export function promptWithLoras(prompt: string, loras: GenerateRequest["loras"]): string {
  const tokens = loras.map((l) => {
    if (!LORA_NAME.test(l.name))
      throw new ProviderError(
        "invalid_request",
        `LoRA name “${l.name}” has characters A1111 cannot take in a prompt token.`,
      );
    if (!Number.isFinite(l.weight))
      throw new ProviderError("invalid_request", `LoRA “${l.name}” needs a numeric weight.`);
    return `<lora:${l.name}:${l.weight}>`;
  });
  return tokens.length ? `${prompt} ${tokens.join(" ")}` : prompt;
}

/** A readable message from any of A1111's error bodies (its middleware's, or FastAPI's 422). */
function errorMessage(res: ErrorBody): string {
  let detail = res.text.slice(0, 300);
  const body = res.json as { error?: string; detail?: unknown; errors?: string } | undefined;
  if (body && typeof body === "object") {
    if (Array.isArray(body.detail)) {
      detail = body.detail
        .map(
          (d: { loc?: unknown[]; msg?: string }) =>
            `${(d.loc ?? []).filter((p) => p !== "body").join(".")}: ${d.msg ?? "invalid"}`,
        )
        .join("; ");
    } else if (body.error || body.detail || body.errors) {
      const text = [typeof body.detail === "string" ? body.detail : "", body.errors ?? ""].filter(Boolean).join(" — ");
      detail = body.error && body.error !== "HTTPException" ? `${body.error}: ${text}` : text;
    }
  }
  return `${LABEL} answered ${res.status}: ${detail || "no details"}`;
}

/**
 * A1111's status codes: 401 from --api-auth, 404 for an unknown sampler/model/upscaler, 422 for a
 * bad body, 500 for anything raised while generating (CUDA OOM and the like, worth a retry).
 */
function toError(res: ErrorBody): ProviderError {
  const message = errorMessage(res);
  // A1111 answers a corrupt input image with a 500; retrying would fail the same way.
  const kind =
    res.status === 500 && /Invalid encoded (image|mask)/.test(res.text) ? "invalid_request" : kindForStatus(res.status);
  return new ProviderError(kind, message, { status: res.status, billable: false });
}

function decodeImage(b64: unknown): { image: Buffer; contentType: string } {
  const image =
    b64 instanceof Base64Blob
      ? b64.decode()
      : typeof b64 === "string" && b64.length > 0
        ? Buffer.from(b64.startsWith("data:") ? (b64.split(",")[1] ?? "") : b64, "base64")
        : undefined;
  if (!image) throw new ProviderError("transient", `${LABEL} returned no image.`);
  const contentType = sniffImageType(image);
  if (!contentType.startsWith("image/"))
    throw new ProviderError("transient", `${LABEL} returned data that is not a PNG, JPEG or WebP image.`);
  return { image, contentType };
}

function readInfo(raw: unknown): Info {
  if (typeof raw === "object" && raw !== null) return raw as Info;
  if (typeof raw !== "string") return {};
  try {
    return JSON.parse(raw) as Info;
  } catch {
    return {};
  }
}

export function createA1111Adapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchImpl = fetchFor(config, deps);
  const base = config.baseUrl.replace(/\/+$/, "");
  const defaultTimeoutMs = numberOption(config.options, "timeoutMs", 120_000);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (config.apiKey) {
    // A1111's --api-auth is HTTP Basic with "user:pass".
    if (!config.apiKey.includes(":"))
      throw new ProviderError("auth", "The AUTOMATIC1111 API key must be “user:password” (its --api-auth format).");
    headers.authorization = `Basic ${Buffer.from(config.apiKey).toString("base64")}`;
  }

  /** One JSON call inside a deadline; the body is read inside it too, as a server can stall mid-image. */
  function call<T>(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    options: CallOptions = {},
  ): Promise<{ data: T; ms: number }> {
    const scoped = { ...options, timeoutMs: options.timeoutMs ?? defaultTimeoutMs };
    return withCall(LABEL, scoped, async (scope) => {
      const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
      const res = await request(scope, fetchImpl, `${base}${path}`, init, toError);
      // Images are read from the body's bytes, not through one string of the whole body (json-blobs.ts).
      const data = parseJsonWithBlobs(await readBytes(scope, res, responseLimit()));
      if (data === undefined)
        throw new ProviderError("transient", `${LABEL} sent a response that is not JSON.`, { status: res.status });
      return { data: data as T, ms: Date.now() - scope.startedAt };
    });
  }

  function generationBody(req: GenerateRequest, taskId: string): Record<string, unknown> {
    return {
      prompt: promptWithLoras(req.prompt, req.loras),
      negative_prompt: req.negativePrompt,
      width: req.width,
      height: req.height,
      steps: req.steps,
      cfg_scale: req.cfgScale,
      sampler_name: req.sampler,
      seed: req.seed,
      batch_size: 1,
      n_iter: 1,
      override_settings: req.model ? { sd_model_checkpoint: req.model } : {},
      override_settings_restore_afterwards: true,
      send_images: true,
      save_images: false,
      // A1111 tracks the job under this id (see /internal/progress); it doubles as our request id.
      force_task_id: taskId,
    };
  }

  async function imageCall(
    path: string,
    body: Record<string, unknown>,
    taskId: string,
    options?: CallOptions,
  ): Promise<ImageResult> {
    const { data, ms } = await call<{ images?: unknown[]; info?: unknown }>("POST", path, body, options);
    const info = readInfo(data.info);
    const flagged = Array.isArray(info.nsfw_content_detected) && info.nsfw_content_detected[0] === true;
    if (flagged)
      throw new ProviderError(
        "content_filtered",
        `${LABEL}'s safety filter blocked the image. Change the prompt and try again.`,
        { billable: false },
      );
    const { image, contentType } = decodeImage(data.images?.[0]);
    const seed =
      typeof info.seed === "number"
        ? info.seed
        : Array.isArray(info.all_seeds) && typeof info.all_seeds[0] === "number"
          ? info.all_seeds[0]
          : undefined;
    return { image, contentType, seed, gpuSeconds: Math.round(ms) / 1000, providerRequestId: taskId };
  }

  return {
    kind: "a1111",
    capabilities: A1111_CAPABILITIES,

    async generate(request, options) {
      const taskId = `kiln-${randomUUID()}`;
      return imageCall("/sdapi/v1/txt2img", generationBody(request, taskId), taskId, options);
    },

    async inpaint(request: InpaintRequest, options) {
      const taskId = `kiln-${randomUUID()}`;
      const body = {
        ...generationBody(request, taskId),
        init_images: [request.image.toString("base64")],
        // White in the mask is repainted (inpainting_mask_invert 0), as in A1111's UI.
        mask: request.mask.toString("base64"),
        denoising_strength: option(config, "denoisingStrength", 0.75),
        inpainting_fill: option(config, "inpaintingFill", 0),
        mask_blur: option(config, "maskBlur", 4),
        inpainting_mask_invert: 0,
        inpaint_full_res: false,
        resize_mode: 0,
      };
      return imageCall("/sdapi/v1/img2img", body, taskId, options);
    },

    /** img2img without a mask: the reference is the init image, resized to the requested size (resize_mode 0). */
    async imageToImage(request: ImageToImageRequest, options) {
      const taskId = `kiln-${randomUUID()}`;
      const body = {
        ...generationBody(request, taskId),
        init_images: [request.image.toString("base64")],
        denoising_strength: request.strength,
        resize_mode: 0,
      };
      return imageCall("/sdapi/v1/img2img", body, taskId, options);
    },

    async upscale(request: UpscaleRequest, options) {
      const body = {
        image: request.image.toString("base64"),
        resize_mode: 0,
        upscaling_resize: request.scale,
        upscaler_1: request.upscaler ?? option(config, "upscaler", "R-ESRGAN 4x+"),
        show_extras_results: true,
      };
      const { data, ms } = await call<{ image?: unknown }>("POST", "/sdapi/v1/extra-single-image", body, options);
      return { ...decodeImage(data.image), gpuSeconds: Math.round(ms) / 1000 };
    },

    /** The rembg extension: an RGBA PNG cut-out. A 404 means the extension is not installed. */
    async removeBackground(request: RemoveBackgroundRequest, options) {
      const body = {
        input_image: request.image.toString("base64"),
        model: option(config, "rembgModel", "u2net"),
        return_mask: false,
        alpha_matting: option(config, "rembgAlphaMatting", false),
        alpha_matting_foreground_threshold: 240,
        alpha_matting_background_threshold: 10,
        alpha_matting_erode_size: 10,
      };
      try {
        const { data, ms } = await call<{ image?: unknown } | null>("POST", "/rembg", body, options);
        return { ...decodeImage(data?.image), gpuSeconds: Math.round(ms) / 1000 };
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) {
          throw new ProviderError(
            "invalid_request",
            `${LABEL} has no background removal: install the stable-diffusion-webui-rembg extension there.`,
            {
              status: 404,
            },
          );
        }
        throw error;
      }
    },

    /** Checkpoint titles ("name.safetensors [hash]"): the hash pins the version, and A1111 accepts the title back. */
    async listModels(options) {
      const { data } = await call<unknown>("GET", "/sdapi/v1/sd-models", undefined, options);
      if (!Array.isArray(data)) throw new ProviderError("transient", `${LABEL} sent a model list that is not a list.`);
      return data
        .map((m: { title?: unknown; model_name?: unknown }) => String(m.title ?? m.model_name ?? ""))
        .filter(Boolean);
    },
  };
}

/** Whether the endpoint serves the rembg extension's POST /rembg, read from FastAPI's /openapi.json. */
export async function hasRembgExtension(
  config: ProviderConfig,
  deps: AdapterDeps = {},
  options: CallOptions = {},
): Promise<boolean> {
  const fetchImpl = fetchFor(config, deps);
  const base = config.baseUrl.replace(/\/+$/, "");
  return withCall(LABEL, { ...options, timeoutMs: options.timeoutMs ?? 10_000 }, async (scope) => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (config.apiKey?.includes(":")) headers.authorization = `Basic ${Buffer.from(config.apiKey).toString("base64")}`;
    const res = await request(scope, fetchImpl, `${base}/openapi.json`, { method: "GET", headers }, toError);
    const doc = parseJson(await readText(scope, res)) as { paths?: Record<string, { post?: unknown }> } | undefined;
    return !!doc?.paths?.["/rembg"]?.post;
  });
}
