// OpenAI Chat Completions with an image input: messages[].content = [{ type: "text" }, { type: "image_url", image_url: { url: "data:…", detail } }] → choices[0].message.content.
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
  type ErrorBody,
} from "@/lib/providers/http-call";
import { ProviderError, type AdapterDeps, type ProviderConfig } from "@/lib/providers/types";
import type { Captioner } from "./types";

/** What the model is asked; the cleaning in clean.ts still applies to whatever it answers. */
export const ALT_TEXT_INSTRUCTION =
  "Write alt text for this image for someone who cannot see it. One or two plain sentences, at most 250 characters. " +
  "Describe what matters: the subject, what it is doing, the setting, notable colours, and any visible text. " +
  'Do not start with "image of" or "picture of"; do not guess names or brands; no hashtags or quotes.';

function openaiError(body: ErrorBody): ProviderError {
  const error = isRecord(body.json) && isRecord(body.json.error) ? body.json.error : {};
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : body.text.slice(0, 300);
  let kind = kindForStatus(body.status);
  if (code === "insufficient_quota" || code === "billing_hard_limit_reached") kind = "auth"; // 429, but retrying cannot help
  if (code === "model_not_found") kind = "invalid_request";
  return new ProviderError(kind, `openai: HTTP ${body.status}${code ? ` ${code}` : ""}: ${message}`, {
    status: body.status,
  });
}

/** The assistant's text: a string, or (newer models) an array of text parts. */
function messageText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const text = content.map((p) => (isRecord(p) && typeof p.text === "string" ? p.text : "")).join("");
    return text || undefined;
  }
  return undefined;
}

export function createOpenAIVisionCaptioner(config: ProviderConfig, deps: AdapterDeps = {}): Captioner {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout({ options: { timeoutMs: 60_000, ...config.options } });
  const base = baseOf(config.baseUrl || "https://api.openai.com", true);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${config.apiKey ?? ""}`,
    "Content-Type": "application/json",
  };
  const organization = stringOption(config.options, "organization");
  const project = stringOption(config.options, "project");
  if (organization) headers["OpenAI-Organization"] = organization;
  if (project) headers["OpenAI-Project"] = project;
  return {
    engine: "openai_vision",
    caption(req, options) {
      const model = req.model || "gpt-4o-mini";
      return withCall("openai vision", deadline(options), async (scope) => {
        const body = {
          model,
          max_tokens: 120,
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: ALT_TEXT_INSTRUCTION },
                // "low" detail: a 512px view is enough to describe a picture, and costs a fixed few tokens.
                {
                  type: "image_url",
                  image_url: { url: `data:${req.contentType};base64,${req.image.toString("base64")}`, detail: "low" },
                },
              ],
            },
          ],
        };
        const res = await request(
          scope,
          fetchFn,
          `${base}/v1/chat/completions`,
          { method: "POST", headers, body: JSON.stringify(body) },
          openaiError,
        );
        const json = await readJson(scope, res);
        const choice = Array.isArray(json.choices) && isRecord(json.choices[0]) ? json.choices[0] : {};
        const message = isRecord(choice.message) ? choice.message : {};
        if (typeof message.refusal === "string" && message.refusal) {
          throw new ProviderError(
            "content_filtered",
            `openai: the model declined to describe the image: ${message.refusal}`,
          );
        }
        const text = messageText(message.content);
        if (!text?.trim()) throw new ProviderError("transient", "openai: the response carried no text");
        return {
          caption: text,
          model: typeof json.model === "string" ? json.model : model,
          providerRequestId: res.headers.get("x-request-id") ?? undefined,
        };
      });
    },
  };
}
