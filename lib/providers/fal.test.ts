import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFalAdapter } from "./fal";
import { sendBytes, sendJson, sequence, startFakeServer, TINY_PNG, type FakeServer } from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const REQ: GenerateRequest = {
  prompt: "isometric game asset, wooden crate",
  negativePrompt: "blurry",
  width: 1024,
  height: 1024,
  steps: 25,
  cfgScale: 7.5,
  sampler: "Euler a",
  seed: 7,
  model: "fal-ai/fast-sdxl",
  loras: [{ name: "https://example.com/loras/crate.safetensors", weight: 0.7 }],
};
const ID = "764cabcf-b745-4b3e-ae38-1200304cf45b";

let server: FakeServer;
const adapter = (options: Record<string, unknown> = {}) =>
  createFalAdapter({
    kind: "fal",
    allowPrivate: true,
    baseUrl: server.url,
    apiKey: "fal-key",
    options: { pollIntervalMs: 10, pollMaxIntervalMs: 20, ...options },
  });
const urls = (app: string) => ({
  request_id: ID,
  response_url: `${server.url}/${app}/requests/${ID}`,
  status_url: `${server.url}/${app}/requests/${ID}/status`,
  cancel_url: `${server.url}/${app}/requests/${ID}/cancel`,
});
const RESULT = () => ({
  images: [{ url: `${server.url}/files/result.png`, width: 1024, height: 1024, content_type: "image/png" }],
  timings: { inference: 1.9 },
  seed: 7,
  has_nsfw_concepts: [false],
  prompt: REQ.prompt,
});

beforeEach(async () => {
  server = await startFakeServer();
  server.route("POST", "/fal-ai/fast-sdxl", (_req, res) =>
    sendJson(res, 200, { ...urls("fal-ai/fast-sdxl"), queue_position: 2 }),
  );
  server.route(
    "GET",
    `/fal-ai/fast-sdxl/requests/${ID}/status`,
    sequence(
      (_req, res) =>
        sendJson(res, 202, {
          status: "IN_QUEUE",
          queue_position: 1,
          response_url: urls("fal-ai/fast-sdxl").response_url,
        }),
      (_req, res) =>
        sendJson(res, 202, { status: "IN_PROGRESS", response_url: urls("fal-ai/fast-sdxl").response_url, logs: [] }),
      (_req, res) =>
        sendJson(res, 200, {
          status: "COMPLETED",
          response_url: urls("fal-ai/fast-sdxl").response_url,
          metrics: { inference_time: 1.93 },
        }),
    ),
  );
  server.route("GET", `/fal-ai/fast-sdxl/requests/${ID}`, (_req, res) => sendJson(res, 200, RESULT()));
  server.route("GET", "/files/result.png", (_req, res) => sendBytes(res, 200, TINY_PNG, "image/png"));
});
afterEach(() => server.close());

describe("fal adapter", () => {
  it("submits to the queue, polls IN_QUEUE → IN_PROGRESS → COMPLETED and fetches the result", async () => {
    const result = await adapter().generate(REQ);
    expect(result.image.equals(TINY_PNG)).toBe(true);
    expect(result).toMatchObject({ contentType: "image/png", seed: 7, gpuSeconds: 1.93, providerRequestId: ID });

    const [submit] = server.received("POST", "/fal-ai/fast-sdxl");
    expect(submit!.headers.authorization).toBe("Key fal-key");
    expect(submit!.json()).toEqual({
      prompt: REQ.prompt,
      negative_prompt: "blurry",
      image_size: { width: 1024, height: 1024 },
      num_inference_steps: 25,
      guidance_scale: 7.5,
      num_images: 1,
      seed: 7,
      loras: [{ path: REQ.loras[0]!.name, scale: 0.7 }],
      enable_safety_checker: true,
    });
    const polls = server.received("GET", `/fal-ai/fast-sdxl/requests/${ID}/status`);
    expect(polls).toHaveLength(3);
    expect(polls.every((p) => p.headers.authorization === "Key fal-key")).toBe(true);
    expect(server.received("GET", `/fal-ai/fast-sdxl/requests/${ID}`)).toHaveLength(1);
  });

  it("maps has_nsfw_concepts to content_filtered, billable (the request completed)", async () => {
    server.route("GET", `/fal-ai/fast-sdxl/requests/${ID}`, (_req, res) =>
      sendJson(res, 200, { ...RESULT(), has_nsfw_concepts: [true] }),
    );
    const error = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "content_filtered", billable: true, retryable: false });
  });

  it("maps a model's content_policy_violation error replayed by the result endpoint", async () => {
    server.route("GET", `/fal-ai/fast-sdxl/requests/${ID}`, (_req, res) =>
      sendJson(res, 422, {
        detail: [
          {
            loc: ["body", "prompt"],
            msg: "The content could not be processed because it contained material flagged by a content checker.",
            type: "content_policy_violation",
          },
        ],
      }),
    );
    await expect(adapter().generate(REQ)).rejects.toMatchObject({ kind: "content_filtered", status: 422 });
  });

  it.each([
    [
      422,
      {
        detail: [
          { loc: ["body", "image_size"], msg: "value is not a valid enumeration member", type: "type_error.enum" },
        ],
      },
      "invalid_request",
    ],
    [401, { detail: "Unauthorized" }, "auth"],
    [429, { detail: "Too many requests" }, "transient"],
    [503, { detail: "No runner available", error_type: "runner_scheduling_failure" }, "unavailable"],
    [504, { detail: "Request timed out", error_type: "request_timeout" }, "timeout"],
  ] as const)("maps HTTP %i on submit to %s, never billable", async (status, body, kind) => {
    server.route("POST", "/fal-ai/fast-sdxl", (_req, res) => sendJson(res, status, body));
    await expect(adapter().generate(REQ)).rejects.toMatchObject({ kind, status, billable: false });
  });

  it("uses owner/app status URLs for sub-path models and never follows off-origin URLs", async () => {
    server.route("POST", "/fal-ai/flux/dev", (_req, res) =>
      sendJson(res, 200, {
        request_id: ID,
        status_url: `https://evil.example/x`,
        response_url: `https://evil.example/y`,
        cancel_url: "https://evil.example/z",
      }),
    );
    server.route("GET", `/fal-ai/flux/requests/${ID}/status`, (_req, res) =>
      sendJson(res, 200, { status: "COMPLETED" }),
    );
    server.route("GET", `/fal-ai/flux/requests/${ID}`, (_req, res) => sendJson(res, 200, RESULT()));
    await adapter().generate({ ...REQ, model: "fal-ai/flux/dev" });
    expect(server.received("GET", `/fal-ai/flux/requests/${ID}`)).toHaveLength(1);
  });

  it("times out while queued and cancels the request", async () => {
    server.route("GET", `/fal-ai/fast-sdxl/requests/${ID}/status`, (_req, res) =>
      sendJson(res, 202, { status: "IN_QUEUE", queue_position: 9 }),
    );
    server.route("PUT", `/fal-ai/fast-sdxl/requests/${ID}/cancel`, (_req, res) =>
      sendJson(res, 202, { status: "CANCELLATION_REQUESTED" }),
    );
    await expect(adapter().generate(REQ, { timeoutMs: 120 })).rejects.toMatchObject({ kind: "timeout" });
    await expect.poll(() => server.received("PUT", `/fal-ai/fast-sdxl/requests/${ID}/cancel`).length).toBe(1);
  });

  it("inpaints with the configured inpainting model, sending image and mask as data URIs", async () => {
    const app = "fal-ai/fast-sdxl/inpainting";
    server.route("POST", `/${app}`, (_req, res) => sendJson(res, 200, urls("fal-ai/fast-sdxl")));
    const mask = Buffer.from("mask-bytes");
    await adapter().inpaint!({ ...REQ, loras: [], image: TINY_PNG, mask });
    const body = server.received("POST", `/${app}`)[0]!.json();
    expect(body.image_url).toBe(`data:image/png;base64,${TINY_PNG.toString("base64")}`);
    expect(body.mask_url).toBe(`data:image/png;base64,${mask.toString("base64")}`);
    expect(body.prompt).toBe(REQ.prompt);
  });

  it("honours the caller's AbortSignal", async () => {
    server.route("GET", `/fal-ai/fast-sdxl/requests/${ID}/status`, (_req, res) =>
      sendJson(res, 202, { status: "IN_PROGRESS" }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    await expect(adapter().generate(REQ, { signal: controller.signal })).rejects.toMatchObject({ kind: "timeout" });
  });
});
