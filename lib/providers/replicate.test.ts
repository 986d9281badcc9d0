import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReplicateAdapter } from "./replicate";
import { sendBytes, sendJson, sequence, startFakeServer, TINY_PNG, type FakeServer } from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const VERSION = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b";
const REQ: GenerateRequest = {
  prompt: "studio photo of a ceramic mug",
  negativePrompt: "text, watermark",
  width: 1024,
  height: 768,
  steps: 25,
  cfgScale: 7,
  sampler: "Euler a",
  seed: 42,
  model: `stability-ai/sdxl:${VERSION}`,
  loras: [],
};

let server: FakeServer;
const adapter = (options: Record<string, unknown> = {}) =>
  createReplicateAdapter({
    kind: "replicate",
    allowPrivate: true,
    baseUrl: `${server.url}/v1`,
    apiKey: "r8_test",
    options: { pollIntervalMs: 10, pollMaxIntervalMs: 20, ...options },
  });

/** The documented prediction object. */
const prediction = (status: string, extra: Record<string, unknown> = {}) => ({
  id: "gm3qorzdhgbfurvjtvhg6dckhu",
  model: "stability-ai/sdxl",
  version: VERSION,
  input: {},
  logs: "",
  output: null,
  error: null,
  status,
  created_at: "2024-01-01T00:00:00Z",
  urls: {
    get: `${server.url}/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu`,
    cancel: `${server.url}/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel`,
  },
  ...extra,
});
const succeeded = () =>
  prediction("succeeded", {
    output: [`${server.url}/files/out.png`],
    logs: "Using seed: 42\n",
    metrics: { predict_time: 3.25, total_time: 4 },
  });

beforeEach(async () => {
  server = await startFakeServer();
  server.route("POST", "/v1/predictions", (_req, res) => sendJson(res, 201, prediction("starting")));
  server.route(
    "GET",
    "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu",
    sequence(
      (_req, res) => sendJson(res, 200, prediction("processing")),
      (_req, res) => sendJson(res, 200, succeeded()),
    ),
  );
  server.route("POST", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel", (_req, res) =>
    sendJson(res, 200, prediction("canceled")),
  );
  server.route("GET", "/files/out.png", (_req, res) => sendBytes(res, 200, TINY_PNG, "image/png"));
});
afterEach(() => server.close());

describe("Replicate adapter", () => {
  it("creates a pinned-version prediction, polls urls.get until succeeded and reports predict_time", async () => {
    const result = await adapter({ input: { scheduler: "K_EULER_ANCESTRAL" } }).generate(REQ);
    expect(result.image.equals(TINY_PNG)).toBe(true);
    expect(result).toMatchObject({
      contentType: "image/png",
      seed: 42,
      gpuSeconds: 3.25,
      providerRequestId: "gm3qorzdhgbfurvjtvhg6dckhu",
    });

    const [create] = server.received("POST", "/v1/predictions");
    expect(create!.headers.authorization).toBe("Bearer r8_test");
    expect(create!.headers["content-type"]).toBe("application/json");
    expect(create!.headers.prefer).toBeUndefined();
    expect(create!.json()).toEqual({
      version: VERSION,
      input: {
        prompt: REQ.prompt,
        negative_prompt: REQ.negativePrompt,
        width: 1024,
        height: 768,
        num_inference_steps: 25,
        guidance_scale: 7,
        num_outputs: 1,
        seed: 42,
        scheduler: "K_EULER_ANCESTRAL",
      },
    });
    const polls = server.received("GET", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu");
    expect(polls).toHaveLength(2);
    expect(polls[0]!.headers.authorization).toBe("Bearer r8_test");
  });

  it("runs an official model via /v1/models/{owner}/{name}/predictions with Prefer: wait", async () => {
    server.route("POST", "/v1/models/black-forest-labs/flux-dev-lora/predictions", (_req, res) =>
      sendJson(res, 201, succeeded()),
    );
    const result = await adapter({ preferWaitSeconds: 30 }).generate({
      ...REQ,
      model: "black-forest-labs/flux-dev-lora",
      loras: [{ name: "owner/brand-lora", weight: 0.9 }],
    });
    expect(result.gpuSeconds).toBe(3.25);
    const [create] = server.received("POST", "/v1/models/black-forest-labs/flux-dev-lora/predictions");
    expect(create!.headers.prefer).toBe("wait=30");
    expect(create!.json()).toMatchObject({
      input: { prompt: REQ.prompt, lora_weights: "owner/brand-lora", lora_scale: 0.9 },
    });
    expect(create!.json()).not.toHaveProperty("version");
    expect(server.received("GET", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu")).toHaveLength(0);
  });

  it("maps an NSFW failure to content_filtered, billable because the version ran on GPU time", async () => {
    server.route("GET", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu", (_req, res) =>
      sendJson(
        res,
        200,
        prediction("failed", {
          error: "NSFW content detected. Try running it again, or try a different prompt.",
          metrics: { predict_time: 2.1 },
        }),
      ),
    );
    const error = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "content_filtered", billable: true, retryable: false });
    expect((error as Error).cause).toEqual({ providerRequestId: "gm3qorzdhgbfurvjtvhg6dckhu", gpuSeconds: 2.1 });
  });

  it("treats a failed official-model prediction (per-output pricing) as retryable and not billable", async () => {
    server.route("POST", "/v1/models/black-forest-labs/flux-schnell/predictions", (_req, res) =>
      sendJson(
        res,
        201,
        prediction("failed", { error: "CUDA error: device-side assert", metrics: { predict_time: 0.4 } }),
      ),
    );
    await expect(adapter().generate({ ...REQ, model: "black-forest-labs/flux-schnell" })).rejects.toMatchObject({
      kind: "transient",
      billable: false,
    });
  });

  it.each([
    [
      422,
      { title: "Input validation failed", detail: "- input.width: Must be less than or equal to 1024", status: 422 },
      "invalid_request",
    ],
    [401, { title: "Unauthenticated", detail: "You did not pass a valid authentication token", status: 401 }, "auth"],
    [
      402,
      { title: "Insufficient credit", detail: "You have insufficient credit to run this model.", status: 402 },
      "auth",
    ],
    [404, { title: "Not found", detail: "The requested resource could not be found.", status: 404 }, "invalid_request"],
    [429, { title: "Request was throttled.", detail: "Your rate limit resets in ~1s.", status: 429 }, "transient"],
    [503, { title: "Service Unavailable", detail: "", status: 503 }, "unavailable"],
  ] as const)("maps HTTP %i on create to %s", async (status, body, kind) => {
    server.route("POST", "/v1/predictions", (_req, res) =>
      sendJson(res, status, body, { "content-type": "application/problem+json" }),
    );
    const error = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, status, billable: false });
    expect((error as Error).message).toContain(body.title);
  });

  it("times out while processing, cancels the prediction and marks the run billable", async () => {
    server.route("GET", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu", (_req, res) =>
      sendJson(res, 200, prediction("processing")),
    );
    await expect(adapter().generate(REQ, { timeoutMs: 120 })).rejects.toMatchObject({
      kind: "timeout",
      billable: true,
    });
    await expect
      .poll(() => server.received("POST", "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel").length)
      .toBe(1);
  });

  it("honours an already-aborted signal without calling the API", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(adapter().generate(REQ, { signal: controller.signal })).rejects.toMatchObject({ kind: "timeout" });
    expect(server.requests).toHaveLength(0);
  });

  it("rejects a model reference it cannot route", async () => {
    await expect(adapter().generate({ ...REQ, model: "just-a-name" })).rejects.toMatchObject({
      kind: "invalid_request",
    });
  });
});
