// OpenAI Images API (POST /v1/images/generations, multipart /v1/images/edits, error { error: { code } }): https://platform.openai.com/docs/api-reference/images
import { blobOf, downloadImage, sniffImageType } from "./download";
import {
  baseOf,
  fetchFor,
  isRecord,
  kindForStatus,
  readJson,
  request,
  stringOption,
  withCall,
  withDefaultTimeout,
  type CallScope,
  type ErrorBody,
} from "./http-call";
import { foldNegativePrompt, modelFamily, nearestSize, toOpenAIMask } from "./openai-images";
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
} from "./types";

export const OPENAI_CAPABILITIES: readonly Capability[] = ["generate", "inpaint"];

/** Moderation refusals: gpt-image models answer code "moderation_blocked", DALL·E "content_policy_violation". */
const MODERATION_CODES = new Set(["moderation_blocked", "content_policy_violation"]);

function openaiError(body: ErrorBody): ProviderError {
  const error = isRecord(body.json) && isRecord(body.json.error) ? body.json.error : {};
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : body.text.slice(0, 300);
  let kind = kindForStatus(body.status);
  if (MODERATION_CODES.has(code)) kind = "content_filtered";
  else if (code === "insufficient_quota" || code === "billing_hard_limit_reached") kind = "auth"; // 429, but retrying cannot help
  // A refused request produces no image and no image tokens: nothing is billed.
  return new ProviderError(kind, `openai: HTTP ${body.status}${code ? ` ${code}` : ""}: ${message}`, {
    status: body.status,
  });
}

export function createOpenAIAdapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout(config);
  const base = baseOf(config.baseUrl || "https://api.openai.com", true);
  const headers: Record<string, string> = { Authorization: `Bearer ${config.apiKey ?? ""}` };
  const organization = stringOption(config.options, "organization");
  const project = stringOption(config.options, "project");
  if (organization) headers["OpenAI-Organization"] = organization;
  if (project) headers["OpenAI-Project"] = project;
  const quality = stringOption(config.options, "quality");

  /** gpt-image models always answer b64_json and reject response_format; DALL·E needs it asked for. */
  const extras = (model: string): Record<string, string> => ({
    ...(modelFamily(model) === "gpt-image" ? {} : { response_format: "b64_json" }),
    ...(quality ? { quality } : {}),
  });

  async function imageFrom(scope: CallScope, res: Response): Promise<ImageResult> {
    const json = await readJson(scope, res);
    const first = Array.isArray(json.data) && isRecord(json.data[0]) ? json.data[0] : {};
    const providerRequestId = res.headers.get("x-request-id") ?? undefined;
    if (typeof first.b64_json === "string") {
      const image = Buffer.from(first.b64_json, "base64");
      return { image, contentType: sniffImageType(image), providerRequestId };
    }
    if (typeof first.url === "string")
      return { ...(await downloadImage(scope, fetchFn, first.url)), providerRequestId };
    throw new ProviderError("transient", "openai: the response carried no image");
  }

  function check(req: GenerateRequest): void {
    if (req.loras.length) throw new ProviderError("invalid_request", "openai: the images API does not take LoRAs");
  }

  return {
    kind: "openai",
    capabilities: new Set(OPENAI_CAPABILITIES),
    // No seed: the images API has none, so results carry no seed and cannot be reproduced exactly.
    generate(req: GenerateRequest, options?: CallOptions) {
      return withCall("openai generate", deadline(options), async (scope) => {
        check(req);
        const body = {
          model: req.model,
          prompt: foldNegativePrompt(req.prompt, req.negativePrompt),
          n: 1,
          size: nearestSize(req.model, req.width, req.height),
          ...extras(req.model),
        };
        const res = await request(
          scope,
          fetchFn,
          `${base}/v1/images/generations`,
          { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) },
          openaiError,
        );
        return imageFrom(scope, res);
      });
    },
    inpaint(req: InpaintRequest, options?: CallOptions) {
      return withCall("openai edit", deadline(options), async (scope) => {
        check(req);
        if (modelFamily(req.model) === "dall-e-3")
          throw new ProviderError(
            "invalid_request",
            "openai: dall-e-3 does not support edits (use gpt-image-1 or dall-e-2)",
          );
        const mask = await toOpenAIMask(req.mask, req.image).catch((error: unknown) => {
          throw new ProviderError("invalid_request", `openai: unreadable image or mask (${String(error)})`, {
            cause: error,
          });
        });
        const form = new FormData();
        form.append("model", req.model);
        form.append("image", blobOf(req.image), `image.${sniffImageType(req.image).split("/")[1] ?? "png"}`);
        form.append("mask", blobOf(mask, "image/png"), "mask.png");
        form.append("prompt", foldNegativePrompt(req.prompt, req.negativePrompt));
        form.append("n", "1");
        form.append("size", nearestSize(req.model, req.width, req.height));
        for (const [key, value] of Object.entries(extras(req.model))) form.append(key, value);
        const res = await request(
          scope,
          fetchFn,
          `${base}/v1/images/edits`,
          { method: "POST", headers, body: form },
          openaiError,
        );
        return imageFrom(scope, res);
      });
    },
  };
}
