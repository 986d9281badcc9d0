// fal queue API (submit → status_url → response_url; model/request error shapes): https://docs.fal.ai/model-endpoints/queue
import { downloadImage } from "./download";
import {
  baseOf,
  fetchFor,
  isRecord,
  kindForStatus,
  poll,
  pollPolicy,
  readJson,
  request,
  sameOrigin,
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
} from "./types";

export const FAL_CAPABILITIES: readonly Capability[] = ["generate", "inpaint"];
const DEFAULT_INPAINT_MODEL = "fal-ai/fast-sdxl/inpainting";

/**
 * Model errors: { detail: [{ loc, msg, type }] } (type "content_policy_violation" for moderation);
 * request errors: { detail: "…", error_type } with the same value in X-Fal-Error-Type.
 */
function falError(body: ErrorBody): ProviderError {
  const json = isRecord(body.json) ? body.json : {};
  const details = Array.isArray(json.detail) ? json.detail.filter(isRecord) : [];
  const types = details.map((d) => String(d.type ?? ""));
  const errorType =
    typeof json.error_type === "string" ? json.error_type : (body.headers.get("x-fal-error-type") ?? "");
  const text = details.length
    ? details.map((d) => String(d.msg ?? d.type)).join("; ")
    : typeof json.detail === "string"
      ? json.detail
      : body.text.slice(0, 300);
  let kind = kindForStatus(body.status);
  if (types.includes("content_policy_violation")) kind = "content_filtered";
  else if (/timeout/.test(errorType) || body.status === 504) kind = "timeout";
  else if (body.status === 422) kind = "invalid_request";
  // fal: "No charge for server errors: failed requests that return 5xx are not billed"; 4xx are input rejections.
  return new ProviderError(kind, `fal: HTTP ${body.status}${errorType ? ` ${errorType}` : ""} ${text}`.trim(), {
    status: body.status,
  });
}

const dataUri = (buf: Buffer, type = "image/png") => `data:${type};base64,${buf.toString("base64")}`;

function baseInput(req: GenerateRequest, options: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    prompt: req.prompt,
    ...(req.negativePrompt ? { negative_prompt: req.negativePrompt } : {}),
    image_size: { width: req.width, height: req.height },
    num_inference_steps: req.steps,
    guidance_scale: req.cfgScale,
    num_images: 1,
    ...(req.seed >= 0 ? { seed: req.seed } : {}),
    ...(req.loras.length ? { loras: req.loras.map((l) => ({ path: l.name, scale: l.weight })) } : {}),
    enable_safety_checker: options?.enableSafetyChecker !== false,
    ...(isRecord(options?.input) ? options.input : {}),
  };
}

export function createFalAdapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout(config);
  const base = baseOf(config.baseUrl || "https://queue.fal.run");
  const policy = pollPolicy(config.options);
  const auth = { Authorization: `Key ${config.apiKey ?? ""}` };

  async function run(scope: CallScope, modelId: string, input: Record<string, unknown>): Promise<ImageResult> {
    const submitted = await readJson(
      scope,
      await request(
        scope,
        fetchFn,
        `${base}/${modelId}`,
        { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(input) },
        falError,
      ),
    );
    const id = submitted.request_id;
    if (typeof id !== "string") throw new ProviderError("transient", "fal: submit answered without a request_id");
    // Status/result URLs use owner/app only (no sub-path); prefer the returned ones, never off-origin.
    const app = modelId.split("/").slice(0, 2).join("/");
    const own = (u: unknown, path: string) =>
      typeof u === "string" && sameOrigin(u, base) ? u : `${base}/${app}/requests/${id}${path}`;
    const statusUrl = own(submitted.status_url, "/status");
    let done = false;
    try {
      const status = await poll(scope, policy, async () => {
        const res = await request(scope, fetchFn, statusUrl, { method: "GET", headers: auth }, falError);
        const s = await readJson(scope, res);
        return s.status === "IN_QUEUE" || s.status === "IN_PROGRESS" ? undefined : s;
      });
      done = true;
      const metrics = isRecord(status.metrics) ? status.metrics : {};
      const gpuSeconds = typeof metrics.inference_time === "number" ? metrics.inference_time : undefined;
      // The result endpoint replays the model's own status code and body, errors included.
      const result = await readJson(
        scope,
        await request(
          scope,
          fetchFn,
          own(status.response_url ?? submitted.response_url, ""),
          { method: "GET", headers: auth },
          falError,
        ),
      );
      const nsfw = Array.isArray(result.has_nsfw_concepts) && result.has_nsfw_concepts.some((flag) => flag === true);
      if (nsfw)
        throw new ProviderError(
          "content_filtered",
          `fal: request ${id} flagged by the safety checker (has_nsfw_concepts)`,
          { billable: true },
        );
      const images = Array.isArray(result.images) ? result.images : isRecord(result.image) ? [result.image] : [];
      const url = images.map((i) => (isRecord(i) ? i.url : undefined)).find((u): u is string => typeof u === "string");
      if (!url)
        throw new ProviderError("transient", `fal: request ${id} completed without an image`, { billable: true });
      const { image, contentType } = await downloadImage(scope, fetchFn, url, sameOrigin(url, base) ? auth : undefined);
      const seed =
        typeof result.seed === "number" ? result.seed : typeof input.seed === "number" ? input.seed : undefined;
      return { image, contentType, seed, gpuSeconds, providerRequestId: id };
    } catch (error) {
      if (!done && scope.signal.aborted) {
        void fetchFn(own(submitted.cancel_url, "/cancel"), { method: "PUT", headers: auth }).catch(() => {});
      }
      throw error;
    }
  }

  return {
    kind: "fal",
    capabilities: new Set(FAL_CAPABILITIES),
    generate(req: GenerateRequest, options?: CallOptions) {
      return withCall("fal generate", deadline(options), (scope) =>
        run(scope, req.model, baseInput(req, config.options)),
      );
    },
    inpaint(req: InpaintRequest, options?: CallOptions) {
      return withCall("fal inpaint", deadline(options), (scope) => {
        const model = stringOption(config.options, "inpaintModel") ?? DEFAULT_INPAINT_MODEL;
        // fal accepts base64 data URIs wherever a model takes an image URL.
        return run(scope, model, {
          ...baseInput(req, config.options),
          image_url: dataUri(req.image),
          mask_url: dataUri(req.mask),
          strength: 1,
        });
      });
    },
  };
}
