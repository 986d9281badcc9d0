// Replicate HTTP API (create/get/cancel prediction, Prefer: wait, metrics.predict_time): https://replicate.com/docs/topics/predictions/create-a-prediction
import { downloadImage } from "./download";
import {
  baseOf,
  fetchFor,
  isRecord,
  kindForStatus,
  numberOption,
  poll,
  pollPolicy,
  readJson,
  request,
  sameOrigin,
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
  type ProviderAdapter,
  type ProviderConfig,
} from "./types";

export const REPLICATE_CAPABILITIES: readonly Capability[] = ["generate"];

type Prediction = Record<string, unknown>;
type Target = { url: string; body: Record<string, unknown>; timeBilled: boolean };

const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);
/** Replicate's safety checkers fail the prediction with an "NSFW content detected" error. */
const NSFW = /nsfw|safety checker|sensitive content|content (policy|moderation)/i;

/**
 * "owner/name:version" (or a bare version id) runs a pinned version — billed by GPU time;
 * "owner/name" runs an official model through its models endpoint — billed per output.
 */
function target(base: string, model: string, input: Record<string, unknown>): Target {
  const [ref = "", version] = model.split(":");
  if (version) return { url: `${base}/v1/predictions`, body: { version, input }, timeBilled: true };
  if (/^[a-f0-9]{64}$/.test(ref))
    return { url: `${base}/v1/predictions`, body: { version: ref, input }, timeBilled: true };
  const [owner, name] = ref.split("/");
  if (!owner || !name)
    throw new ProviderError(
      "invalid_request",
      `replicate: model "${model}" is not "owner/name" or "owner/name:version"`,
    );
  return {
    url: `${base}/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`,
    body: { input },
    timeBilled: false,
  };
}

function inputFor(req: GenerateRequest, extra: unknown): Record<string, unknown> {
  if (req.loras.length > 1)
    throw new ProviderError("invalid_request", "replicate: models take at most one LoRA (lora_weights)");
  const lora = req.loras[0];
  return {
    prompt: req.prompt,
    ...(req.negativePrompt ? { negative_prompt: req.negativePrompt } : {}),
    width: req.width,
    height: req.height,
    num_inference_steps: req.steps,
    guidance_scale: req.cfgScale,
    num_outputs: 1,
    ...(req.seed >= 0 ? { seed: req.seed } : {}),
    ...(lora ? { lora_weights: lora.name, lora_scale: lora.weight } : {}),
    ...(isRecord(extra) ? extra : {}),
  };
}

/** Replicate's errors are problem details: { title, detail, status }. */
function apiError(body: ErrorBody): ProviderError {
  const json = isRecord(body.json) ? body.json : {};
  const text = [json.title, json.detail].filter((x) => typeof x === "string").join(": ") || body.text.slice(0, 300);
  let kind = kindForStatus(body.status);
  if (body.status === 404) kind = "invalid_request"; // unknown model or version
  return new ProviderError(kind, `replicate: HTTP ${body.status} ${text}`, { status: body.status });
}

const predictSeconds = (p: Prediction): number | undefined => {
  const t = isRecord(p.metrics) ? p.metrics.predict_time : undefined;
  return typeof t === "number" ? t : undefined;
};

function firstOutputUrl(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return firstOutputUrl(output[0]);
  if (isRecord(output)) return firstOutputUrl(output.url ?? output.image ?? output.images);
  return undefined;
}

export function createReplicateAdapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout(config);
  const base = baseOf(config.baseUrl || "https://api.replicate.com", true);
  const policy = pollPolicy(config.options);
  const wait = numberOption(config.options, "preferWaitSeconds", 0);
  const auth = { Authorization: `Bearer ${config.apiKey ?? ""}` };

  /** Only ever send the token back to Replicate's own API origin. */
  const urlOr = (candidate: unknown, fallback: string) =>
    typeof candidate === "string" && sameOrigin(candidate, base) ? candidate : fallback;

  async function finish(scope: CallScope, p: Prediction, t: Target, requestedSeed: number): Promise<ImageResult> {
    const id = String(p.id);
    const gpuSeconds = predictSeconds(p);
    const billable = t.timeBilled && (gpuSeconds ?? 0) > 0;
    if (p.status === "failed") {
      const message = typeof p.error === "string" ? p.error : "prediction failed";
      const kind = NSFW.test(message) ? "content_filtered" : "transient";
      throw new ProviderError(kind, `replicate: prediction ${id} failed: ${message}`, {
        billable,
        cause: { providerRequestId: id, gpuSeconds },
      });
    }
    if (p.status !== "succeeded") {
      throw new ProviderError("transient", `replicate: prediction ${id} ${String(p.status)}`, {
        billable,
        cause: { providerRequestId: id, gpuSeconds },
      });
    }
    const url = firstOutputUrl(p.output);
    if (!url)
      throw new ProviderError("transient", `replicate: prediction ${id} succeeded without an output URL`, { billable });
    const { image, contentType } = await downloadImage(scope, fetchFn, url, sameOrigin(url, base) ? auth : undefined);
    const logged = typeof p.logs === "string" ? /seed[:=\s]+(\d+)/i.exec(p.logs)?.[1] : undefined;
    const seed = logged !== undefined ? Number(logged) : requestedSeed >= 0 ? requestedSeed : undefined;
    return { image, contentType, seed, gpuSeconds, providerRequestId: id };
  }

  return {
    kind: "replicate",
    capabilities: new Set(REPLICATE_CAPABILITIES),
    generate(req: GenerateRequest, options?: CallOptions) {
      return withCall("replicate generate", deadline(options), async (scope) => {
        const t = target(base, req.model, inputFor(req, config.options?.input));
        const headers = {
          ...auth,
          "Content-Type": "application/json",
          ...(wait > 0 ? { Prefer: `wait=${Math.min(60, Math.round(wait))}` } : {}),
        };
        const created = await request(
          scope,
          fetchFn,
          t.url,
          { method: "POST", headers, body: JSON.stringify(t.body) },
          apiError,
        );
        let prediction: Prediction = await readJson(scope, created);
        const id = String(prediction.id);
        const urls = isRecord(prediction.urls) ? prediction.urls : {};
        const getUrl = urlOr(urls.get, `${base}/v1/predictions/${encodeURIComponent(id)}`);
        try {
          if (!TERMINAL.has(String(prediction.status))) {
            prediction = await poll(scope, policy, async () => {
              const res = await request(scope, fetchFn, getUrl, { method: "GET", headers: auth }, apiError);
              const p = await readJson(scope, res);
              prediction = p;
              return TERMINAL.has(String(p.status)) ? p : undefined;
            });
          }
          return await finish(scope, prediction, t, req.seed);
        } catch (error) {
          if (!TERMINAL.has(String(prediction.status))) {
            // Stop the meter: cancel the prediction we are walking away from (best effort).
            const cancelUrl = urlOr(urls.cancel, `${base}/v1/predictions/${encodeURIComponent(id)}/cancel`);
            void fetchFn(cancelUrl, { method: "POST", headers: auth }).catch(() => {});
            const ran = t.timeBilled && prediction.status === "processing";
            const mapped = scope.toError(error);
            if (ran && !mapped.billable) {
              throw new ProviderError(mapped.kind, mapped.message, {
                status: mapped.status,
                billable: true,
                cause: mapped,
              });
            }
            throw mapped;
          }
          throw error;
        }
      });
    },
  };
}
