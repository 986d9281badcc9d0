// AUTOMATIC1111 POST /sdapi/v1/interrogate: { image: base64, model: "clip" | "deepdanbooru" } → { caption } (modules/api/api.py, InterrogateRequest).
import {
  fetchFor,
  isRecord,
  kindForStatus,
  numberOption,
  readJson,
  request,
  withCall,
  type ErrorBody,
} from "@/lib/providers/http-call";
import { ProviderError, type AdapterDeps, type ProviderConfig } from "@/lib/providers/types";
import type { Captioner } from "./types";

const LABEL = "The AUTOMATIC1111 interrogate call";

/** A1111 answers { error, detail } from its middleware, or FastAPI's { detail } (a string or a 422 list). */
function toError(res: ErrorBody): ProviderError {
  const body = isRecord(res.json) ? res.json : {};
  const detail = Array.isArray(body.detail)
    ? body.detail.map((d) => (isRecord(d) && typeof d.msg === "string" ? d.msg : "invalid")).join("; ")
    : [typeof body.detail === "string" ? body.detail : "", typeof body.errors === "string" ? body.errors : ""]
        .filter(Boolean)
        .join(" — ");
  // 404 "Model not found" / "Image not found": the request is wrong, a retry would fail the same way.
  const kind = res.status === 404 ? "invalid_request" : kindForStatus(res.status);
  return new ProviderError(
    kind,
    `${LABEL} answered ${res.status}: ${detail || res.text.slice(0, 200) || "no details"}`,
    { status: res.status },
  );
}

/**
 * CLIP interrogation (BLIP caption plus CLIP's medium/artist/flavour tags) or DeepDanbooru tags.
 * The endpoint must be the A1111 web UI started with --api (the simulator answers it offline).
 */
export function createA1111Interrogator(config: ProviderConfig, deps: AdapterDeps = {}): Captioner {
  const fetchFn = fetchFor(config, deps);
  const base = config.baseUrl.replace(/\/+$/, "");
  const timeoutMs = numberOption(config.options, "timeoutMs", 120_000);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (config.apiKey) {
    if (!config.apiKey.includes(":"))
      throw new ProviderError("auth", "The AUTOMATIC1111 API key must be “user:password” (its --api-auth format).");
    headers.authorization = `Basic ${Buffer.from(config.apiKey).toString("base64")}`;
  }
  return {
    engine: "a1111_interrogate",
    caption(req, options) {
      const model = req.model || "clip";
      return withCall(LABEL, { ...options, timeoutMs: options?.timeoutMs ?? timeoutMs }, async (scope) => {
        const body = JSON.stringify({ image: req.image.toString("base64"), model });
        const res = await request(
          scope,
          fetchFn,
          `${base}/sdapi/v1/interrogate`,
          { method: "POST", headers, body },
          toError,
        );
        const json = await readJson(scope, res);
        if (typeof json.caption !== "string" || json.caption.trim() === "")
          throw new ProviderError("transient", `${LABEL} returned no caption.`);
        return { caption: json.caption, model };
      });
    },
  };
}
