import sharp from "sharp";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createA1111Adapter, hasRembgExtension, promptWithLoras } from "./a1111";
import { hang, sendJson, startFakeServer, TINY_PNG, type FakeServer } from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const REQ: GenerateRequest = {
  prompt: "studio photo of a ceramic mug",
  negativePrompt: "blurry, text",
  width: 256,
  height: 192,
  steps: 20,
  cfgScale: 7,
  sampler: "DPM++ 2M",
  seed: 1234,
  model: "kiln-sim-support-v1",
  loras: [],
};

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("A1111 adapter against the running simulator (real HTTP)", () => {
  let sim: RunningSimulator;
  const adapter = () => createA1111Adapter({ kind: "a1111", allowPrivate: true, baseUrl: sim.url });
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.setConfig({ errorRate: 0, timeoutRate: 0, latencyMs: 0, apiAuth: null, faultSeed: 1 });
  });

  it("generates a PNG at the requested size with the seed, a request id and the measured time", async () => {
    const result = await adapter().generate(REQ);
    expect(result.contentType).toBe("image/png");
    expect(result.seed).toBe(1234);
    expect(result.providerRequestId).toMatch(/^kiln-/);
    expect(result.gpuSeconds).toBeGreaterThan(0);
    expect(await sharp(result.image).metadata()).toMatchObject({ width: 256, height: 192 });
    // Same request, same picture: the simulator is deterministic end to end.
    expect((await adapter().generate(REQ)).image.equals(result.image)).toBe(true);
  });

  it("inpaints and upscales", async () => {
    const { image } = await adapter().generate(REQ);
    const mask = await sharp({ create: { width: 256, height: 192, channels: 3, background: "#000" } })
      .composite([{ input: { create: { width: 64, height: 64, channels: 3, background: "#fff" } }, left: 96, top: 64 }])
      .png()
      .toBuffer();
    const inpainted = await adapter().inpaint!({ ...REQ, image, mask });
    expect(inpainted.image.equals(image)).toBe(false);
    expect(await sharp(inpainted.image).metadata()).toMatchObject({ width: 256, height: 192 });
    const up = await adapter().upscale!({ image, scale: 2, upscaler: "Lanczos" });
    expect(await sharp(up.image).metadata()).toMatchObject({ width: 512, height: 384 });
    // The default upscaler ("R-ESRGAN 4x+") is one the simulator offers, like a stock A1111.
    expect(await sharp((await adapter().upscale!({ image, scale: 4 })).image).metadata()).toMatchObject({
      width: 1024,
    });
  });

  it("removes the background through the rembg extension: an RGBA PNG, backdrop transparent, subject opaque", async () => {
    const { image } = await adapter().generate(REQ);
    expect(await hasRembgExtension({ kind: "a1111", allowPrivate: true, baseUrl: sim.url })).toBe(true);
    const cut = await adapter().removeBackground!({ image });
    const { data, info } = await sharp(cut.image).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 256, height: 192, channels: 4 });
    expect(data[3]).toBeLessThan(40); // the top-left corner is backdrop
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 200) opaque++;
    expect(opaque).toBeGreaterThan(0);
    expect(opaque).toBeLessThan(256 * 192);
    expect(sim.stats().calls["/rembg"]).toBe(1);
  });

  it("lists the simulator's checkpoints by version-pinned title, which generate accepts back", async () => {
    const models = await adapter().listModels!();
    expect(models).toHaveLength(3);
    expect(models.every((m) => m.includes("(simulator)"))).toBe(true);
    expect((await adapter().generate({ ...REQ, model: models[2]! })).seed).toBe(1234);
  });

  it("maps the simulator's failures to error kinds", async () => {
    sim.setConfig({ errorRate: 1 });
    const oom = await failure(adapter().generate(REQ));
    expect([oom.kind, oom.status, oom.retryable, oom.billable]).toEqual(["transient", 500, true, false]);
    expect(oom.message).toMatch(/OutOfMemoryError/);
    sim.setConfig({ errorRate: 0 });
    expect((await failure(adapter().generate({ ...REQ, width: 250 }))).kind).toBe("invalid_request");
    expect((await failure(adapter().generate({ ...REQ, model: "not-installed" }))).kind).toBe("invalid_request");
    const filtered = await failure(adapter().generate({ ...REQ, prompt: "SIMULATE_NSFW portrait" }));
    expect([filtered.kind, filtered.retryable]).toEqual(["content_filtered", false]);
    sim.setConfig({ apiAuth: "kiln:secret" });
    expect((await failure(adapter().generate(REQ))).kind).toBe("auth");
    const authed = createA1111Adapter({ kind: "a1111", allowPrivate: true, baseUrl: sim.url, apiKey: "kiln:secret" });
    expect((await authed.generate(REQ)).seed).toBe(1234);
  });

  it("gives up on a hanging call with a timeout error", async () => {
    sim.setConfig({ timeoutRate: 1 });
    const error = await failure(adapter().generate(REQ, { timeoutMs: 300 }));
    expect([error.kind, error.retryable]).toEqual(["timeout", true]);
  });

  it("reports a stopped endpoint as unavailable", async () => {
    const gone = await startSimulator({ port: 0 });
    await gone.close();
    const error = await failure(
      createA1111Adapter({ kind: "a1111", allowPrivate: true, baseUrl: gone.url }).generate(REQ),
    );
    expect([error.kind, error.retryable]).toEqual(["unavailable", true]);
  });
});

describe("A1111 adapter against A1111's documented shapes (fake server)", () => {
  let server: FakeServer;
  const adapter = () =>
    createA1111Adapter({
      kind: "a1111",
      allowPrivate: true,
      baseUrl: `${server.url}/`,
      apiKey: "user:pass",
      options: { timeoutMs: 2_000 },
    });
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(() => server.close());

  it("sends txt2img as A1111 documents it: model override, LoRA tokens, Basic auth", async () => {
    server.route("POST", "/sdapi/v1/txt2img", (_req, res) =>
      sendJson(res, 200, {
        images: [TINY_PNG.toString("base64")],
        parameters: {},
        info: JSON.stringify({ seed: 99, all_seeds: [99] }),
      }),
    );
    const result = await adapter().generate({
      ...REQ,
      seed: -1,
      model: "v1-5-pruned-emaonly.safetensors [6ce0161689]",
      loras: [{ name: "film_grain", weight: 0.6 }],
    });
    expect(result.seed).toBe(99);
    const [sent] = server.received("POST", "/sdapi/v1/txt2img");
    expect(sent!.headers.authorization).toBe(`Basic ${Buffer.from("user:pass").toString("base64")}`);
    expect(sent!.json()).toMatchObject({
      prompt: "studio photo of a ceramic mug <lora:film_grain:0.6>",
      negative_prompt: "blurry, text",
      sampler_name: "DPM++ 2M",
      cfg_scale: 7,
      seed: -1,
      override_settings: { sd_model_checkpoint: "v1-5-pruned-emaonly.safetensors [6ce0161689]" },
    });
  });

  it("maps A1111's error bodies to kinds with readable messages", async () => {
    const cases: [number, unknown, string, RegExp][] = [
      [401, { detail: "Incorrect username or password" }, "auth", /Incorrect username/],
      [
        404,
        { error: "HTTPException", detail: "Sampler not found", body: "", errors: "" },
        "invalid_request",
        /Sampler not found/,
      ],
      [
        422,
        { detail: [{ loc: ["body", "steps"], msg: "value is not a valid integer", type: "type_error.integer" }] },
        "invalid_request",
        /steps: value is not a valid integer/,
      ],
      [
        500,
        { error: "HTTPException", detail: "Invalid encoded image", body: "", errors: "" },
        "invalid_request",
        /Invalid encoded image/,
      ],
      [
        500,
        { error: "RuntimeError", detail: "", body: "", errors: "CUDA error: device-side assert" },
        "transient",
        /RuntimeError: CUDA error/,
      ],
      [503, { detail: "Service Unavailable" }, "unavailable", /503/],
    ];
    for (const [status, body, kind, message] of cases) {
      server.route("POST", "/sdapi/v1/txt2img", (_req, res) => sendJson(res, status, body));
      const error = await failure(adapter().generate(REQ));
      expect([error.kind, error.status]).toEqual([kind, status]);
      expect(error.message).toMatch(message);
    }
  });

  it("treats a 200 without a usable image as transient, and a silent server as a timeout", async () => {
    server.route("POST", "/sdapi/v1/txt2img", (_req, res) =>
      sendJson(res, 200, { images: [], parameters: {}, info: "{}" }),
    );
    expect((await failure(adapter().generate(REQ))).kind).toBe("transient");
    server.route("POST", "/sdapi/v1/txt2img", (_req, res) =>
      sendJson(res, 200, { images: ["bm90IGFuIGltYWdl"], parameters: {}, info: "{}" }),
    );
    expect((await failure(adapter().generate(REQ))).kind).toBe("transient");
    server.route("POST", "/sdapi/v1/txt2img", hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(adapter().generate(REQ, { signal: controller.signal }))).kind).toBe("timeout");
    expect((await failure(adapter().generate(REQ))).message).toMatch(/timed out after 2000ms/);
  });

  it("sends img2img with the mask and extra-single-image as documented", async () => {
    server.route("POST", "/sdapi/v1/img2img", (_req, res) =>
      sendJson(res, 200, { images: [TINY_PNG.toString("base64")], parameters: {}, info: '{"seed":5}' }),
    );
    server.route("POST", "/sdapi/v1/extra-single-image", (_req, res) =>
      sendJson(res, 200, { html_info: "<p></p>", image: TINY_PNG.toString("base64") }),
    );
    await adapter().inpaint!({ ...REQ, image: TINY_PNG, mask: TINY_PNG });
    expect(server.received("POST", "/sdapi/v1/img2img")[0]!.json()).toMatchObject({
      init_images: [TINY_PNG.toString("base64")],
      mask: TINY_PNG.toString("base64"),
      denoising_strength: 0.75,
      inpainting_fill: 0,
      inpainting_mask_invert: 0,
    });
    const up = await adapter().upscale!({ image: TINY_PNG, scale: 4 });
    expect(up.contentType).toBe("image/png");
    expect(server.received("POST", "/sdapi/v1/extra-single-image")[0]!.json()).toMatchObject({
      resize_mode: 0,
      upscaling_resize: 4,
      upscaler_1: "R-ESRGAN 4x+",
    });
  });

  it("starts from a reference image: img2img with init_images and the strength as denoising_strength, no mask", async () => {
    server.route("POST", "/sdapi/v1/img2img", (_req, res) =>
      sendJson(res, 200, { images: [TINY_PNG.toString("base64")], parameters: {}, info: '{"seed":9}' }),
    );
    const out = await adapter().imageToImage!({ ...REQ, image: TINY_PNG, strength: 0.4 });
    expect(out.seed).toBe(9);
    const body = server.received("POST", "/sdapi/v1/img2img")[0]!.json();
    expect(body).toMatchObject({
      init_images: [TINY_PNG.toString("base64")],
      denoising_strength: 0.4,
      resize_mode: 0,
      width: REQ.width,
      height: REQ.height,
      seed: REQ.seed,
    });
    expect(body.mask).toBeUndefined();
  });

  it("posts /rembg as the extension documents it, and says so when the extension is missing", async () => {
    server.route("POST", "/rembg", (_req, res) => sendJson(res, 200, { image: TINY_PNG.toString("base64") }));
    const out = await adapter().removeBackground!({ image: TINY_PNG });
    expect(out.contentType).toBe("image/png");
    expect(server.received("POST", "/rembg")[0]!.json()).toEqual({
      input_image: TINY_PNG.toString("base64"),
      model: "u2net",
      return_mask: false,
      alpha_matting: false,
      alpha_matting_foreground_threshold: 240,
      alpha_matting_background_threshold: 10,
      alpha_matting_erode_size: 10,
    });
    server.route("POST", "/rembg", (_req, res) => sendJson(res, 404, { detail: "Not Found" }));
    const missing = await failure(adapter().removeBackground!({ image: TINY_PNG }));
    expect([missing.kind, missing.retryable]).toEqual(["invalid_request", false]);
    expect(missing.message).toContain("stable-diffusion-webui-rembg");
    server.route("GET", "/openapi.json", (_req, res) =>
      sendJson(res, 200, { openapi: "3.1.0", paths: { "/sdapi/v1/txt2img": { post: {} } } }),
    );
    expect(await hasRembgExtension({ kind: "a1111", allowPrivate: true, baseUrl: server.url })).toBe(false);
  });

  it("refuses LoRA names that would break A1111's prompt token, and malformed credentials", () => {
    expect(() => promptWithLoras("x", [{ name: "evil>:<lora", weight: 1 }])).toThrow(ProviderError);
    expect(() =>
      createA1111Adapter({ kind: "a1111", allowPrivate: true, baseUrl: server.url, apiKey: "token-without-colon" }),
    ).toThrow(/user:password/);
  });
});
