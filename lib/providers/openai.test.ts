import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIAdapter } from "./openai";
import { foldNegativePrompt, nearestSize } from "./openai-images";
import { hang, partBytes, sendJson, startFakeServer, TINY_PNG, type FakeServer } from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const REQ: GenerateRequest = {
  prompt: "flat-lay of a skincare set on marble",
  negativePrompt: "text, logos.",
  width: 1200,
  height: 800,
  steps: 30,
  cfgScale: 7,
  sampler: "Euler",
  seed: 99,
  model: "gpt-image-1",
  loras: [],
};

let server: FakeServer;
const adapter = (options: Record<string, unknown> = {}) =>
  createOpenAIAdapter({
    kind: "openai",
    allowPrivate: true,
    baseUrl: `${server.url}/v1`,
    apiKey: "sk-openai",
    options,
  });
const ok = {
  created: 1713833628,
  data: [{ b64_json: TINY_PNG.toString("base64") }],
  usage: { total_tokens: 100, input_tokens: 50, output_tokens: 50 },
};

beforeEach(async () => {
  server = await startFakeServer();
  server.route("POST", "/v1/images/generations", (_req, res) => sendJson(res, 200, ok, { "x-request-id": "req_123" }));
  server.route("POST", "/v1/images/edits", (_req, res) => sendJson(res, 200, ok, { "x-request-id": "req_456" }));
});
afterEach(() => server.close());

describe("OpenAI images adapter", () => {
  it("generates with gpt-image-1: nearest size, negative prompt folded in, b64 image back", async () => {
    const result = await adapter({ organization: "org-kiln" }).generate(REQ);
    expect(result.image.equals(TINY_PNG)).toBe(true);
    expect(result).toMatchObject({ contentType: "image/png", providerRequestId: "req_123" });
    expect(result.seed).toBeUndefined();
    const [req] = server.received("POST", "/v1/images/generations");
    expect(req!.headers.authorization).toBe("Bearer sk-openai");
    expect(req!.headers["openai-organization"]).toBe("org-kiln");
    expect(req!.json()).toEqual({
      model: "gpt-image-1",
      prompt: "flat-lay of a skincare set on marble. Avoid: text, logos.",
      n: 1,
      size: "1536x1024",
    });
  });

  it("asks DALL·E 3 for b64_json at its own sizes", async () => {
    await adapter({ quality: "hd" }).generate({
      ...REQ,
      model: "dall-e-3",
      width: 1920,
      height: 1080,
      negativePrompt: "",
    });
    expect(server.received("POST", "/v1/images/generations")[0]!.json()).toEqual({
      model: "dall-e-3",
      prompt: REQ.prompt,
      n: 1,
      size: "1792x1024",
      response_format: "b64_json",
      quality: "hd",
    });
  });

  it("picks sizes and folds prompts predictably", () => {
    expect(nearestSize("gpt-image-1", 512, 512)).toBe("1024x1024");
    expect(nearestSize("gpt-image-1", 800, 1200)).toBe("1024x1536");
    expect(nearestSize("dall-e-2", 300, 280)).toBe("256x256");
    expect(foldNegativePrompt("a cat ", "  ")).toBe("a cat");
  });

  it.each([
    [
      400,
      {
        message: "Your request was rejected by the safety system.",
        type: "image_generation_user_error",
        param: null,
        code: "moderation_blocked",
      },
      "content_filtered",
    ],
    [
      400,
      {
        message: "Your request was rejected as a result of our safety system.",
        type: "invalid_request_error",
        param: null,
        code: "content_policy_violation",
      },
      "content_filtered",
    ],
    [
      400,
      { message: "Invalid value: '999x999'.", type: "invalid_request_error", param: "size", code: "invalid_value" },
      "invalid_request",
    ],
    [
      401,
      { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      "auth",
    ],
    [
      429,
      {
        message: "Rate limit reached for images per minute",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      },
      "transient",
    ],
    [
      429,
      {
        message: "You exceeded your current quota",
        type: "insufficient_quota",
        param: null,
        code: "insufficient_quota",
      },
      "auth",
    ],
    [
      503,
      { message: "The engine is currently overloaded", type: "server_error", param: null, code: null },
      "unavailable",
    ],
  ] as const)("maps HTTP %i %j to %s (never billable)", async (status, error, kind) => {
    server.route("POST", "/v1/images/generations", (_req, res) => sendJson(res, status, { error }));
    const thrown = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({ kind, status, billable: false });
  });

  it("inpaints through /v1/images/edits with a transparent-where-repainted mask", async () => {
    const image = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#808080" } })
      .png()
      .toBuffer();
    // Kiln mask: white (repaint) on the left half, black (keep) on the right.
    const raw = Buffer.alloc(4 * 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 2; x++) raw[y * 4 + x] = 255;
    const mask = await sharp(raw, { raw: { width: 4, height: 4, channels: 1 } })
      .png()
      .toBuffer();

    const result = await adapter().inpaint!({ ...REQ, image, mask });
    expect(result.providerRequestId).toBe("req_456");

    const [req] = server.received("POST", "/v1/images/edits");
    expect(req!.headers["content-type"]).toMatch(/^multipart\/form-data/);
    const form = await req!.form();
    expect(form.get("model")).toBe("gpt-image-1");
    expect(form.get("prompt")).toBe("flat-lay of a skincare set on marble. Avoid: text, logos.");
    expect(form.get("n")).toBe("1");
    expect(form.get("size")).toBe("1536x1024");
    expect(form.has("response_format")).toBe(false);
    expect((await partBytes(form, "image"))?.equals(image)).toBe(true);
    const sent = await partBytes(form, "mask");
    const { data, info } = await sharp(sent!).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // (0,0) repaint → transparent
    expect(data[(0 * 4 + 3) * 4 + 3]).toBe(255); // (3,0) keep → opaque
  });

  it("refuses edits on dall-e-3 and LoRAs before calling the API", async () => {
    await expect(
      adapter().inpaint!({ ...REQ, model: "dall-e-3", image: TINY_PNG, mask: TINY_PNG }),
    ).rejects.toMatchObject({ kind: "invalid_request" });
    await expect(adapter().generate({ ...REQ, loras: [{ name: "x", weight: 1 }] })).rejects.toMatchObject({
      kind: "invalid_request",
    });
    expect(server.requests).toHaveLength(0);
  });

  it("times out on a hanging request", async () => {
    server.route("POST", "/v1/images/generations", hang);
    await expect(adapter().generate(REQ, { timeoutMs: 100 })).rejects.toMatchObject({
      kind: "timeout",
      message: expect.stringContaining("timed out after 100ms"),
    });
  });
});
