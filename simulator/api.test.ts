import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "./index";
import { measure } from "./test-metrics";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.setConfig({
    latencyMs: 0,
    jitterMs: 0,
    errorRate: 0,
    timeoutRate: 0,
    slowRate: 0,
    blurRate: 0,
    washedOutRate: 0,
    duplicateRate: 0,
    faultSeed: 1,
    apiAuth: null,
  });
  sim.reset();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    res,
    json: (await res.json()) as Record<string, unknown> & { images: string[]; info: string; detail: unknown },
  };
}
const png = (b64: string) => Buffer.from(b64, "base64");

describe("A1111 API shapes", () => {
  it("txt2img answers { images, parameters, info } with the seed in the info JSON and the simulator header", async () => {
    const { res, json } = await post("/sdapi/v1/txt2img", {
      prompt: "a teapot",
      seed: 7,
      width: 512,
      height: 384,
      steps: 20,
      sampler_name: "Euler a",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-kiln-simulator")).toBe("1");
    expect(Object.keys(json).sort()).toEqual(["images", "info", "parameters"]);
    const info = JSON.parse(json.info) as {
      seed: number;
      all_seeds: number[];
      width: number;
      sd_model_name: string;
      infotexts: string[];
    };
    expect(info).toMatchObject({ seed: 7, all_seeds: [7], width: 512, sd_model_name: "kiln-sim-support-v1" });
    expect(info.infotexts[0]).toContain("Seed: 7, Size: 512x384");
    expect(await sharp(png(json.images[0]!)).metadata()).toMatchObject({ format: "png", width: 512, height: 384 });
  });

  it("is deterministic over HTTP and picks a seed for -1 like A1111", async () => {
    const a = await post("/sdapi/v1/txt2img", { prompt: "a teapot", seed: 7, width: 128, height: 128 });
    const b = await post("/sdapi/v1/txt2img", { prompt: "a teapot", seed: 7, width: 128, height: 128 });
    expect(a.json.images[0]).toBe(b.json.images[0]);
    const random = await post("/sdapi/v1/txt2img", { prompt: "a teapot", seed: -1, width: 64, height: 64 });
    expect(JSON.parse(random.json.info).seed).toBeGreaterThanOrEqual(0);
  });

  it("lists simulator-labelled checkpoints and accepts any of their aliases in override_settings", async () => {
    const models = (await (await fetch(`${sim.url}/sdapi/v1/sd-models`)).json()) as {
      title: string;
      model_name: string;
    }[];
    expect(models.map((m) => m.model_name)).toEqual(["kiln-sim-draft-v1", "kiln-sim-support-v1", "kiln-sim-hero-v1"]);
    for (const m of models) expect(m.title).toMatch(/^kiln-sim-\w+-v1\.safetensors \[[0-9a-f]{10}\] \(simulator\)$/);
    for (const alias of [models[2]!.title, "kiln-sim-hero-v1", "kiln-sim-hero-v1.safetensors"]) {
      const { json } = await post("/sdapi/v1/txt2img", {
        prompt: "x",
        seed: 1,
        width: 64,
        height: 64,
        override_settings: { sd_model_checkpoint: alias },
      });
      expect(JSON.parse(json.info).sd_model_name).toBe("kiln-sim-hero-v1");
    }
    const options = (await (await fetch(`${sim.url}/sdapi/v1/options`)).json()) as { sd_model_checkpoint: string };
    expect(options.sd_model_checkpoint).toContain("(simulator)");
  });

  it("rejects bad sizes with FastAPI's 422 shape, and unknown samplers/models with A1111's 404", async () => {
    for (const [width, height] of [
      [513, 512],
      [512, 4096],
      [32, 64],
    ]) {
      const { res, json } = await post("/sdapi/v1/txt2img", { prompt: "x", width, height });
      expect(res.status).toBe(422);
      expect((json.detail as { loc: string[] }[])[0]!.loc[0]).toBe("body");
    }
    const sampler = await post("/sdapi/v1/txt2img", { prompt: "x", sampler_name: "Warp drive" });
    expect([sampler.res.status, sampler.json]).toEqual([
      404,
      { error: "HTTPException", detail: "Sampler not found", body: "", errors: "" },
    ]);
    const model = await post("/sdapi/v1/txt2img", {
      prompt: "x",
      override_settings: { sd_model_checkpoint: "sdxl-real" },
    });
    expect([model.res.status, model.json.detail]).toEqual([404, "Model not found"]);
    const broken = await fetch(`${sim.url}/sdapi/v1/txt2img`, { method: "POST", body: "{not json" });
    expect(broken.status).toBe(422);
  });

  it("img2img with a mask repaints only the masked area, deterministically", async () => {
    const init = (await post("/sdapi/v1/txt2img", { prompt: "a vase", seed: 3, width: 256, height: 256 })).json
      .images[0]!;
    // White square in the middle = the area to repaint (A1111's default, inpainting_mask_invert 0).
    const mask = await sharp({ create: { width: 256, height: 256, channels: 3, background: "#000" } })
      .composite([{ input: { create: { width: 96, height: 96, channels: 3, background: "#fff" } }, left: 80, top: 80 }])
      .png()
      .toBuffer();
    const body = {
      prompt: "a vase",
      seed: 3,
      width: 256,
      height: 256,
      init_images: [init],
      mask: mask.toString("base64"),
      denoising_strength: 0.9,
      inpainting_fill: 0,
      mask_blur: 4,
    };
    const a = await post("/sdapi/v1/img2img", body);
    const b = await post("/sdapi/v1/img2img", body);
    expect(a.res.status).toBe(200);
    expect(a.json.images[0]).toBe(b.json.images[0]);
    expect((a.json.parameters as { init_images: unknown }).init_images).toBeNull();
    const before = await sharp(png(init)).raw().toBuffer();
    const after = await sharp(png(a.json.images[0]!)).raw().toBuffer();
    const diff = (x: number, y: number) => Math.abs(before[(y * 256 + x) * 3]! - after[(y * 256 + x) * 3]!);
    let inside = 0;
    let outside = 0;
    // The mask covers 80..176; its feathered edge (mask_blur) reaches a few pixels further.
    const within = (x: number, y: number, lo: number, hi: number) => x >= lo && x < hi && y >= lo && y < hi;
    for (let y = 0; y < 256; y += 2) {
      for (let x = 0; x < 256; x += 2) {
        if (within(x, y, 90, 166)) inside += diff(x, y);
        else if (!within(x, y, 70, 186)) outside += diff(x, y);
      }
    }
    expect(outside).toBe(0);
    expect(inside).toBeGreaterThan(0);
    const missing = await post("/sdapi/v1/img2img", { prompt: "x" });
    expect([missing.res.status, missing.json.detail]).toEqual([404, "Init image not found"]);
    const corrupt = await post("/sdapi/v1/img2img", { prompt: "x", init_images: ["bm90IGFuIGltYWdl"] });
    expect([corrupt.res.status, corrupt.json.detail]).toEqual([500, "Invalid encoded image"]);
  });

  it("extra-single-image upscales ×2 and ×4 with a real resampler", async () => {
    const image = (await post("/sdapi/v1/txt2img", { prompt: "a lamp", seed: 1, width: 128, height: 96 })).json
      .images[0]!;
    for (const factor of [2, 4]) {
      const { res, json } = await post("/sdapi/v1/extra-single-image", {
        image,
        upscaling_resize: factor,
        upscaler_1: "Lanczos",
      });
      expect(res.status).toBe(200);
      expect(typeof json.html_info).toBe("string");
      expect(await sharp(png(json.image as string)).metadata()).toMatchObject({
        width: 128 * factor,
        height: 96 * factor,
      });
    }
    const unknown = await post("/sdapi/v1/extra-single-image", { image, upscaler_1: "Magic" });
    expect(unknown.res.status).toBe(404);
  });
});

describe("knobs and faults", () => {
  const small = (seed: number, prompt = "a chair") =>
    post("/sdapi/v1/txt2img", { prompt, seed, width: 64, height: 64 });

  it("injects errors at the configured rate, reproducibly for a fault seed", async () => {
    const run = async () => {
      sim.setConfig({ errorRate: 0.3, faultSeed: 1234 });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await small(i)).res.status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
    expect(await run()).toEqual(first); // setting faultSeed restarts the dice
    expect(sim.stats().injected.error).toBe(failures * 2);
    const stats = (await (await fetch(`${sim.url}/simulator/stats`)).json()) as { calls: Record<string, number> };
    expect(stats.calls["/sdapi/v1/txt2img"]).toBe(200);
  });

  it("errors look like A1111's exception middleware (HTTP 500, error/detail/body/errors)", async () => {
    sim.setConfig({ errorRate: 1 });
    const { res, json } = await small(1);
    expect(res.status).toBe(500);
    expect(json).toMatchObject({ error: "OutOfMemoryError", detail: "", body: "" });
    expect(json.errors).toMatch(/CUDA out of memory/);
  });

  it("hangs on timeouts until the client gives up, and adds latency and slow calls", async () => {
    sim.setConfig({ timeoutRate: 1 });
    await expect(
      fetch(`${sim.url}/sdapi/v1/txt2img`, { method: "POST", body: "{}", signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(sim.stats().injected.timeout).toBe(1);
    sim.setConfig({ timeoutRate: 0, latencyMs: 150, slowRate: 1, slowMs: 150 });
    const started = Date.now();
    expect((await small(1)).res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sim.stats().injected.slow).toBe(1);
  });

  it("produces blurred, washed-out and duplicate images when told to", async () => {
    const body = { prompt: "a bicycle", seed: 5, width: 256, height: 256 };
    const good = await measure(png((await post("/sdapi/v1/txt2img", body)).json.images[0]!));
    sim.setConfig({ blurRate: 1 });
    const blurred = await post("/sdapi/v1/txt2img", body);
    expect((await measure(png(blurred.json.images[0]!))).sharpness).toBeLessThan(good.sharpness / 5);
    expect(JSON.parse(blurred.json.info).extra_generation_params).toEqual({ "Simulator faults": "blur" });
    sim.setConfig({ blurRate: 0, washedOutRate: 1 });
    const washed = await measure(png((await post("/sdapi/v1/txt2img", body)).json.images[0]!));
    expect(washed.stdev).toBeLessThan(good.stdev / 2);
    sim.setConfig({ washedOutRate: 0, duplicateRate: 1 });
    const one = await small(1, "a bicycle");
    const two = await small(2, "a bicycle");
    expect(one.json.images[0]).toBe(two.json.images[0]);
    expect(JSON.parse(two.json.info).seed).toBe(2); // the info still claims the requested seed
    expect(sim.stats().injected).toMatchObject({ blur: 1, washedOut: 1, duplicate: 2 });
  });

  it("answers prompts with the NSFW marker as a safety filter would: black image plus flag", async () => {
    const { res, json } = await small(1, "portrait, SIMULATE_NSFW");
    expect(res.status).toBe(200);
    expect(JSON.parse(json.info).nsfw_content_detected).toEqual([true]);
    expect((await measure(png(json.images[0]!))).mean).toBe(0);
    expect(JSON.parse((await small(1)).json.info).nsfw_content_detected).toEqual([false]);
    expect(sim.stats().injected.contentFiltered).toBe(1);
  });

  it("changes and reports knobs over HTTP, rejecting bad values", async () => {
    const res = await fetch(`${sim.url}/simulator/config`, {
      method: "POST",
      body: JSON.stringify({ latencyMs: 5, errorRate: 0.5 }),
    });
    expect(await res.json()).toMatchObject({ latencyMs: 5, errorRate: 0.5, nsfwMarker: "SIMULATE_NSFW" });
    const bad = await fetch(`${sim.url}/simulator/config`, {
      method: "POST",
      body: JSON.stringify({ errorRate: 2, colour: "red" }),
    });
    expect(bad.status).toBe(422);
    expect(((await (await fetch(`${sim.url}/simulator/config`)).json()) as { errorRate: number }).errorRate).toBe(0.5);
  });

  it("requires Basic auth like --api-auth when configured", async () => {
    sim.setConfig({ apiAuth: "kiln:secret" });
    const denied = await small(1);
    expect([denied.res.status, denied.res.headers.get("www-authenticate")]).toEqual([401, "Basic"]);
    const ok = await post(
      "/sdapi/v1/txt2img",
      { width: 64, height: 64 },
      { authorization: `Basic ${Buffer.from("kiln:secret").toString("base64")}` },
    );
    expect(ok.res.status).toBe(200);
  });
});

describe("binding", () => {
  it("refuses any host but loopback", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) {
      await expect(startSimulator({ host, port: 0 })).rejects.toThrow(/loopback only/);
    }
    const local = await startSimulator({ host: "localhost", port: 0 });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await local.close();
  });
});

describe("the rembg extension's POST /rembg", () => {
  async function picture() {
    const { json } = await post("/sdapi/v1/txt2img", {
      prompt: "a teapot on a table",
      seed: 3,
      width: 256,
      height: 256,
    });
    return json.images[0]!;
  }

  it("answers { image } with an RGBA cut-out, or the L mask with return_mask; deterministic", async () => {
    const input = await picture();
    const a = await post("/rembg", { input_image: input, model: "u2net" });
    expect(a.res.status).toBe(200);
    expect(Object.keys(a.json)).toEqual(["image"]);
    const cut = await sharp(png(a.json.image as string)).metadata();
    expect(cut).toMatchObject({ format: "png", channels: 4, width: 256, height: 256 });
    const b = await post("/rembg", { input_image: input, model: "u2net" });
    expect(b.json.image).toBe(a.json.image);
    const mask = await post("/rembg", { input_image: input, model: "u2net", return_mask: true });
    const m = await sharp(png(mask.json.image as string)).metadata();
    expect(m).toMatchObject({ channels: 1, width: 256, height: 256 });
    // The mask is the cut-out's alpha.
    const alpha = await sharp(png(a.json.image as string))
      .extractChannel(3)
      .raw()
      .toBuffer();
    const maskRaw = await sharp(png(mask.json.image as string))
      .extractChannel(0)
      .raw()
      .toBuffer();
    expect(maskRaw.length).toBe(alpha.length);
    let worst = 0;
    for (let i = 0; i < alpha.length; i++) worst = Math.max(worst, Math.abs(maskRaw[i]! - alpha[i]!));
    expect(worst).toBeLessThanOrEqual(1);
    expect(sim.stats().calls["/rembg"]).toBe(3);
  });

  it("answers null for model None, 500 for an unknown model or a broken image, and lists /rembg in /openapi.json", async () => {
    const none = await fetch(`${sim.url}/rembg`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input_image: "x", model: "None" }),
    });
    expect(await none.text()).toBe("null");
    expect((await post("/rembg", { input_image: await picture(), model: "u3net" })).res.status).toBe(500);
    expect((await post("/rembg", { input_image: "bm90IGFuIGltYWdl", model: "u2net" })).res.status).toBe(500);
    const doc = (await (await fetch(`${sim.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/rembg");
  });
});
