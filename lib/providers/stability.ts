// Stability AI REST v2beta (stable-image generate/edit/upscale, multipart, Accept: image/*, finish-reason/seed headers): https://platform.stability.ai/docs/api-reference
import { blobOf } from "./download";
import {
  baseOf,
  downloadLimits,
  fetchFor,
  isRecord,
  kindForStatus,
  numberOption,
  readBytes,
  request,
  stringOption,
  withCall,
  withDefaultTimeout,
  type CallScope,
  type ErrorBody,
} from "./http-call";
import {
  ProviderError,
  type AdapterDeps,
  type CallOptions,
  type Capability,
  type GenerateRequest,
  type ImageResult,
  type InpaintRequest,
  type ProviderAdapter,
  type ProviderConfig,
  type RemoveBackgroundRequest,
  type UpscaleRequest,
} from "./types";

export const STABILITY_CAPABILITIES: readonly Capability[] = ["generate", "inpaint", "upscale", "removeBackground"];

const ASPECT_RATIOS = ["21:9", "16:9", "3:2", "5:4", "1:1", "4:5", "2:3", "9:16", "9:21"] as const;

/** The v2beta generate endpoints take an aspect ratio, not pixel sizes: pick the nearest. */
export function nearestAspectRatio(width: number, height: number): string {
  const target = Math.log(width / height);
  const score = (r: string) => {
    const [w = 1, h = 1] = r.split(":").map(Number);
    return Math.abs(Math.log(w / h) - target);
  };
  return ASPECT_RATIOS.reduce((best, r) => (score(r) < score(best) ? r : best), "1:1");
}

/** Preset model → endpoint: "ultra", "core", or an SD3 family model (sd3.5-large, sd3.5-medium, …). */
function generateEndpoint(model: string): { path: string; sd3Model?: string } {
  const m = model
    .trim()
    .toLowerCase()
    .replace(/^stable-image-/, "");
  if (m === "ultra" || m === "core") return { path: `generate/${m}` };
  if (m.startsWith("sd3")) return { path: "generate/sd3", sd3Model: m };
  throw new ProviderError("invalid_request", `stability: unknown model "${model}" (use ultra, core or an sd3.x model)`);
}

/** Errors are JSON { id, name, errors: [...] }; name "content_moderation" (403) is the moderation block. */
function stabilityError(body: ErrorBody): ProviderError {
  const json = isRecord(body.json) ? body.json : {};
  const name = typeof json.name === "string" ? json.name : "";
  const errors = Array.isArray(json.errors) ? json.errors.map(String).join("; ") : body.text.slice(0, 300);
  let kind = kindForStatus(body.status);
  if (name === "content_moderation") kind = "content_filtered";
  else if (body.status === 413 || body.status === 422) kind = "invalid_request";
  // Stability charges credits for successful generations only; rejected requests cost nothing.
  return new ProviderError(kind, `stability: HTTP ${body.status} ${name} ${errors}`.replace(/\s+/g, " ").trim(), {
    status: body.status,
  });
}

const seedField = (seed: number) => String(seed >= 0 && seed <= 4294967294 ? Math.floor(seed) : 0); // 0 = random

export function createStabilityAdapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout(config);
  const base = baseOf(config.baseUrl || "https://api.stability.ai");
  const outputFormat = stringOption(config.options, "outputFormat") ?? "png";
  const growMask = String(numberOption(config.options, "growMask", 5));

  async function post(
    scope: CallScope,
    path: string,
    fields: Record<string, string | Blob | undefined>,
  ): Promise<ImageResult> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (value instanceof Blob) form.append(key, value, `${key}.png`);
      else form.append(key, value);
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${config.apiKey ?? ""}`, Accept: "image/*" };
    const clientId = stringOption(config.options, "clientId");
    if (clientId) headers["stability-client-id"] = clientId;
    const res = await request(
      scope,
      fetchFn,
      `${base}/v2beta/stable-image/${path}`,
      { method: "POST", headers, body: form },
      stabilityError,
    );
    const image = await readBytes(scope, res, downloadLimits().maxBytes, "the output image");
    const finish = res.headers.get("finish-reason") ?? "SUCCESS";
    if (finish === "CONTENT_FILTERED") {
      // The image came back blurred by the NSFW classifier: the credits are spent, the asset is unusable.
      throw new ProviderError(
        "content_filtered",
        `stability: ${path} output was filtered (finish-reason CONTENT_FILTERED)`,
        { billable: true },
      );
    }
    if (finish !== "SUCCESS")
      throw new ProviderError("transient", `stability: ${path} finished with ${finish}`, { billable: true });
    const seedHeader = res.headers.get("seed");
    const contentType = res.headers.get("content-type")?.split(";")[0]?.trim() || `image/${outputFormat}`;
    return { image, contentType, seed: seedHeader ? Number(seedHeader) : undefined };
  }

  return {
    kind: "stability",
    capabilities: new Set(STABILITY_CAPABILITIES),
    generate(req: GenerateRequest, options?: CallOptions) {
      return withCall("stability generate", deadline(options), (scope) => {
        if (req.loras.length)
          throw new ProviderError("invalid_request", "stability: the hosted API does not take LoRAs");
        const { path, sd3Model } = generateEndpoint(req.model);
        return post(scope, path, {
          prompt: req.prompt,
          negative_prompt: req.negativePrompt || undefined,
          aspect_ratio: nearestAspectRatio(req.width, req.height),
          seed: seedField(req.seed),
          output_format: outputFormat,
          ...(sd3Model ? { model: sd3Model, mode: "text-to-image", cfg_scale: String(req.cfgScale) } : {}),
          ...(path === "generate/core" ? { style_preset: stringOption(config.options, "stylePreset") } : {}),
        });
      });
    },
    /** With a prompt: edit/inpaint (fill the mask from the prompt). Without: edit/erase (remove what is masked). */
    inpaint(req: InpaintRequest, options?: CallOptions) {
      return withCall("stability inpaint", deadline(options), (scope) => {
        const common = {
          image: blobOf(req.image),
          mask: blobOf(req.mask),
          grow_mask: growMask,
          seed: seedField(req.seed),
          output_format: outputFormat,
        };
        if (!req.prompt.trim()) return post(scope, "edit/erase", common);
        return post(scope, "edit/inpaint", {
          ...common,
          prompt: req.prompt,
          negative_prompt: req.negativePrompt || undefined,
        });
      });
    },
    /** upscale/fast always returns 4×; a 2× request is scaled back down from that result. */
    upscale(req: UpscaleRequest, options?: CallOptions) {
      return withCall("stability upscale", deadline(options), async (scope) => {
        const result = await post(scope, "upscale/fast", { image: blobOf(req.image), output_format: outputFormat });
        if (req.scale === 4) return result;
        const { default: sharp } = await import("sharp");
        const meta = await sharp(req.image).metadata();
        if (!meta.width || !meta.height) return result;
        const image = await sharp(result.image)
          .resize(meta.width * 2, meta.height * 2, { kernel: "lanczos3" })
          .toFormat(outputFormat === "jpeg" ? "jpeg" : outputFormat === "webp" ? "webp" : "png")
          .toBuffer();
        return { ...result, image };
      });
    },
    removeBackground(req: RemoveBackgroundRequest, options?: CallOptions) {
      return withCall("stability remove-background", deadline(options), (scope) =>
        // remove-background answers png or webp only (jpeg has no alpha).
        post(scope, "edit/remove-background", {
          image: blobOf(req.image),
          output_format: outputFormat === "webp" ? "webp" : "png",
        }),
      );
    },
  };
}
