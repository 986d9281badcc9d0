// Replicate predictions API (POST /v1/predictions { version, input } or /v1/models/{owner}/{name}/predictions; Prefer: wait; GET urls.get until status is terminal): https://replicate.com/docs/topics/predictions/create-a-prediction
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
  type ErrorBody,
} from "@/lib/providers/http-call";
import { ProviderError, type AdapterDeps, type ProviderConfig } from "@/lib/providers/types";
import type { Captioner } from "./types";

/** salesforce/blip, pinned: input { image, task: "image_captioning" } → output "Caption: …". */
export const DEFAULT_REPLICATE_CAPTION_MODEL =
  "salesforce/blip:2e1dddc8621f72155f24cf2e0adbde548458d3cab9f00c0139eea840d0ac4746";

const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);

function apiError(body: ErrorBody): ProviderError {
  const json = isRecord(body.json) ? body.json : {};
  const text = [json.title, json.detail].filter((x) => typeof x === "string").join(": ") || body.text.slice(0, 300);
  const kind = body.status === 404 || body.status === 422 ? "invalid_request" : kindForStatus(body.status);
  return new ProviderError(kind, `replicate: HTTP ${body.status} ${text}`, { status: body.status });
}

function target(
  base: string,
  model: string,
  input: Record<string, unknown>,
): { url: string; body: Record<string, unknown> } {
  const [ref = "", version] = model.split(":");
  if (version) return { url: `${base}/v1/predictions`, body: { version, input } };
  if (/^[a-f0-9]{64}$/.test(ref)) return { url: `${base}/v1/predictions`, body: { version: ref, input } };
  const [owner, name] = ref.split("/");
  if (!owner || !name)
    throw new ProviderError(
      "invalid_request",
      `replicate: model "${model}" is not "owner/name" or "owner/name:version"`,
    );
  return {
    url: `${base}/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`,
    body: { input },
  };
}

/** Captioning models answer a string, a list of strings (streamed tokens), or { caption | text }. */
export function captionOf(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    const parts = output.filter((o): o is string => typeof o === "string");
    return parts.length ? parts.join("") : undefined;
  }
  if (isRecord(output)) return captionOf(output.caption ?? output.text ?? output.output);
  return undefined;
}

export function createReplicateCaptioner(config: ProviderConfig, deps: AdapterDeps = {}): Captioner {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout({ options: { timeoutMs: 120_000, ...config.options } });
  const base = baseOf(config.baseUrl || "https://api.replicate.com", true);
  const policy = pollPolicy(config.options);
  const wait = Math.min(60, Math.max(1, Math.round(numberOption(config.options, "preferWaitSeconds", 30))));
  const auth = { Authorization: `Bearer ${config.apiKey ?? ""}` };
  /** Only ever send the token back to Replicate's own API origin. */
  const urlOr = (candidate: unknown, fallback: string) =>
    typeof candidate === "string" && sameOrigin(candidate, base) ? candidate : fallback;
  return {
    engine: "replicate_caption",
    caption(req, options) {
      const model = req.model || DEFAULT_REPLICATE_CAPTION_MODEL;
      return withCall("replicate caption", deadline(options), async (scope) => {
        const image = `data:${req.contentType};base64,${req.image.toString("base64")}`;
        const input = { image, ...(model.startsWith("salesforce/blip") ? { task: "image_captioning" } : {}) };
        const t = target(base, model, input);
        // Sync mode: Replicate holds the request open up to `wait` seconds and usually answers finished.
        const headers = { ...auth, "Content-Type": "application/json", Prefer: `wait=${wait}` };
        const created = await request(
          scope,
          fetchFn,
          t.url,
          { method: "POST", headers, body: JSON.stringify(t.body) },
          apiError,
        );
        let prediction = await readJson(scope, created);
        const id = String(prediction.id ?? "");
        const urls = isRecord(prediction.urls) ? prediction.urls : {};
        const getUrl = urlOr(urls.get, `${base}/v1/predictions/${encodeURIComponent(id)}`);
        if (!TERMINAL.has(String(prediction.status))) {
          try {
            prediction = await poll(scope, policy, async () => {
              const res = await request(scope, fetchFn, getUrl, { method: "GET", headers: auth }, apiError);
              const p = await readJson(scope, res);
              return TERMINAL.has(String(p.status)) ? p : undefined;
            });
          } catch (error) {
            // Stop the meter on a prediction we walk away from (best effort).
            void fetchFn(urlOr(urls.cancel, `${base}/v1/predictions/${encodeURIComponent(id)}/cancel`), {
              method: "POST",
              headers: auth,
            }).catch(() => {});
            throw error;
          }
        }
        if (prediction.status !== "succeeded") {
          const why = typeof prediction.error === "string" ? prediction.error : String(prediction.status);
          throw new ProviderError("transient", `replicate: prediction ${id} ${String(prediction.status)}: ${why}`);
        }
        const caption = captionOf(prediction.output);
        if (!caption?.trim())
          throw new ProviderError("transient", `replicate: prediction ${id} succeeded without a caption`);
        return { caption, model, providerRequestId: id };
      });
    },
  };
}
