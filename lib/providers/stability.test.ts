import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStabilityAdapter, nearestAspectRatio } from "./stability";
import {
  hang,
  partBytes,
  sendBytes,
  sendJson,
  startFakeServer,
  TINY_PNG,
  type FakeServer,
  type Handler,
} from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const REQ: GenerateRequest = {
  prompt: "hero shot of a trail running shoe",
  negativePrompt: "lowres",
  width: 1536,
  height: 1024,
  steps: 30,
  cfgScale: 5,
  sampler: "Euler",
  seed: 1234,
  model: "core",
  loras: [],
};

let server: FakeServer;
const adapter = (options: Record<string, unknown> = {}) =>
  createStabilityAdapter({ kind: "stability", allowPrivate: true, baseUrl: server.url, apiKey: "sk-test", options });
const image =
  (finish = "SUCCESS", body = TINY_PNG): Handler =>
  (_req, res) =>
    sendBytes(res, 200, body, "image/png", { "finish-reason": finish, seed: "987654" });

beforeEach(async () => {
  server = await startFakeServer();
  for (const path of [
    "generate/core",
    "generate/sd3",
    "generate/ultra",
    "edit/erase",
    "edit/inpaint",
    "upscale/fast",
    "edit/remove-background",
  ]) {
    server.route("POST", `/v2beta/stable-image/${path}`, image());
  }
});
afterEach(() => server.close());

const only = async (path: string) => {
  const received = server.received("POST", `/v2beta/stable-image/${path}`);
  expect(received).toHaveLength(1);
  const req = received[0]!;
  expect(req.headers.authorization).toBe("Bearer sk-test");
  expect(req.headers.accept).toBe("image/*");
  expect(req.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  return { req, form: await req.form() };
};

describe("Stability adapter", () => {
  it("posts multipart to generate/core and reads the image plus finish-reason and seed headers", async () => {
    const result = await adapter({ stylePreset: "photographic" }).generate(REQ);
    expect(result.image.equals(TINY_PNG)).toBe(true);
    expect(result).toMatchObject({ contentType: "image/png", seed: 987654 });
    const { form } = await only("generate/core");
    expect(Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]))).toEqual({
      prompt: REQ.prompt,
      negative_prompt: "lowres",
      aspect_ratio: "3:2",
      seed: "1234",
      output_format: "png",
      style_preset: "photographic",
    });
  });

  it("routes SD3 family models to generate/sd3 with model, mode and cfg_scale", async () => {
    await adapter().generate({ ...REQ, model: "sd3.5-large", width: 1024, height: 1024, seed: -1 });
    const { form } = await only("generate/sd3");
    expect(form.get("model")).toBe("sd3.5-large");
    expect(form.get("mode")).toBe("text-to-image");
    expect(form.get("cfg_scale")).toBe("5");
    expect(form.get("aspect_ratio")).toBe("1:1");
    expect(form.get("seed")).toBe("0"); // random
  });

  it("picks the nearest supported aspect ratio", () => {
    expect(nearestAspectRatio(1920, 1080)).toBe("16:9");
    expect(nearestAspectRatio(1080, 1350)).toBe("4:5");
    expect(nearestAspectRatio(2560, 1080)).toBe("21:9");
    expect(nearestAspectRatio(512, 768)).toBe("2:3");
  });

  it("treats finish-reason CONTENT_FILTERED as content_filtered and billable", async () => {
    server.route("POST", "/v2beta/stable-image/generate/ultra", image("CONTENT_FILTERED"));
    const error = await adapter()
      .generate({ ...REQ, model: "ultra" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "content_filtered", billable: true, retryable: false });
  });

  it.each([
    [403, "content_moderation", "content_filtered"],
    [400, "bad_request", "invalid_request"],
    [401, "unauthorized", "auth"],
    [413, "payload_too_large", "invalid_request"],
    [422, "invalid_language", "invalid_request"],
    [429, "rate_limit_exceeded", "transient"],
    [500, "internal_error", "transient"],
  ] as const)("maps HTTP %i %s to %s (not billable)", async (status, name, kind) => {
    server.route("POST", "/v2beta/stable-image/generate/core", (_req, res) =>
      sendJson(res, status, { id: "a1b2c3", name, errors: [`${name}: see the docs`] }),
    );
    const error = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, status, billable: false });
    expect((error as Error).message).toContain(name);
  });

  it("inpaints with a prompt via edit/inpaint and erases without one via edit/erase", async () => {
    const mask = Buffer.from("mask");
    await adapter().inpaint!({ ...REQ, image: TINY_PNG, mask });
    const inpaint = (await only("edit/inpaint")).form;
    expect((await partBytes(inpaint, "image"))?.equals(TINY_PNG)).toBe(true);
    expect((await partBytes(inpaint, "mask"))?.equals(mask)).toBe(true);
    expect(inpaint.get("prompt")).toBe(REQ.prompt);
    expect(inpaint.get("grow_mask")).toBe("5");

    await adapter().inpaint!({ ...REQ, prompt: "  ", image: TINY_PNG, mask });
    const erase = (await only("edit/erase")).form;
    expect(erase.has("prompt")).toBe(false);
    expect((await partBytes(erase, "mask"))?.equals(mask)).toBe(true);
  });

  it("upscales with upscale/fast (4×) and scales a 2× request back down", async () => {
    const input = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const fourX = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    server.route("POST", "/v2beta/stable-image/upscale/fast", image("SUCCESS", fourX));
    const four = await adapter().upscale!({ image: input, scale: 4 });
    expect(await sharp(four.image).metadata()).toMatchObject({ width: 32, height: 24 });
    const two = await adapter().upscale!({ image: input, scale: 2 });
    expect(await sharp(two.image).metadata()).toMatchObject({ width: 16, height: 12, format: "png" });
    const form = await server.received("POST", "/v2beta/stable-image/upscale/fast")[0]!.form();
    expect((await partBytes(form, "image"))?.equals(input)).toBe(true);
    expect(form.get("output_format")).toBe("png");
  });

  it("removes the background via edit/remove-background", async () => {
    const result = await adapter().removeBackground!({ image: TINY_PNG });
    expect(result.contentType).toBe("image/png");
    const { form } = await only("edit/remove-background");
    expect(form.get("output_format")).toBe("png");
  });

  it("times out on a hanging endpoint and rejects unknown models and LoRAs", async () => {
    server.route("POST", "/v2beta/stable-image/generate/core", hang);
    await expect(adapter().generate(REQ, { timeoutMs: 100 })).rejects.toMatchObject({ kind: "timeout" });
    await expect(adapter().generate({ ...REQ, model: "sdxl-1.0" })).rejects.toMatchObject({ kind: "invalid_request" });
    await expect(adapter().generate({ ...REQ, loras: [{ name: "x", weight: 1 }] })).rejects.toMatchObject({
      kind: "invalid_request",
    });
  });
});
