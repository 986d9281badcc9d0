import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createComfyUIAdapter } from "./comfyui";
import {
  hang,
  partBytes,
  sendBytes,
  sendJson,
  sequence,
  startFakeServer,
  TINY_PNG,
  type FakeServer,
} from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

const REQ: GenerateRequest = {
  prompt: "a red teapot on a table",
  negativePrompt: "blurry",
  width: 768,
  height: 512,
  steps: 20,
  cfgScale: 6.5,
  sampler: "DPM++ 2M Karras",
  seed: 1234,
  model: "sdxl_base_1.0.safetensors",
  loras: [
    { name: "brand-style.safetensors", weight: 0.8 },
    { name: "detail.safetensors", weight: 0.4 },
  ],
};

const historyEntry = (outputs: Record<string, unknown>, status: Record<string, unknown>) => ({
  "p-1": { prompt: [], outputs, status },
});
const SUCCESS_STATUS = {
  status_str: "success",
  completed: true,
  messages: [
    ["execution_start", { prompt_id: "p-1", timestamp: 1_700_000_000_000 }],
    ["execution_cached", { nodes: [], prompt_id: "p-1", timestamp: 1_700_000_000_001 }],
    ["execution_success", { prompt_id: "p-1", timestamp: 1_700_000_002_500 }],
  ],
};
const OUTPUTS = { "7": { images: [{ filename: "kiln_00001_.png", subfolder: "", type: "output" }] } };

let server: FakeServer;
const adapter = (options: Record<string, unknown> = {}) =>
  createComfyUIAdapter({
    kind: "comfyui",
    allowPrivate: true,
    baseUrl: `${server.url}/`,
    options: { pollIntervalMs: 10, pollMaxIntervalMs: 20, ...options },
  });

beforeEach(async () => {
  server = await startFakeServer();
  server.route("POST", "/prompt", (_req, res) => sendJson(res, 200, { prompt_id: "p-1", number: 3, node_errors: {} }));
  server.route(
    "GET",
    "/history/p-1",
    sequence(
      (_req, res) => sendJson(res, 200, {}),
      (_req, res) => sendJson(res, 200, {}),
      (_req, res) => sendJson(res, 200, historyEntry(OUTPUTS, SUCCESS_STATUS)),
    ),
  );
  server.route("GET", "/view", (_req, res) => sendBytes(res, 200, TINY_PNG, "image/png"));
});
afterEach(() => server.close());

describe("ComfyUI adapter", () => {
  it("queues a standard txt2img graph with a LoRA chain, polls /history and downloads via /view", async () => {
    const result = await adapter().generate(REQ);

    expect(result.image.equals(TINY_PNG)).toBe(true);
    expect(result).toMatchObject({ contentType: "image/png", seed: 1234, gpuSeconds: 2.5, providerRequestId: "p-1" });
    expect(server.received("GET", "/history/p-1")).toHaveLength(3);

    const [submit] = server.received("POST", "/prompt");
    expect(submit?.headers["content-type"]).toBe("application/json");
    const body = submit!.json();
    expect(typeof body.client_id).toBe("string");
    const graph = body.prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const byClass = (c: string) => Object.entries(graph).filter(([, n]) => n.class_type === c);
    expect(byClass("CheckpointLoaderSimple")[0]?.[1].inputs).toEqual({ ckpt_name: REQ.model });
    const loras = byClass("LoraLoader");
    expect(loras.map(([, n]) => n.inputs.lora_name)).toEqual(["brand-style.safetensors", "detail.safetensors"]);
    expect(loras[1]?.[1].inputs.model).toEqual([loras[0]?.[0], 0]); // chained
    const texts = byClass("CLIPTextEncode").map(([, n]) => n.inputs);
    expect(texts.map((t) => t.text)).toEqual([REQ.prompt, REQ.negativePrompt]);
    expect(texts[0]?.clip).toEqual([loras[1]?.[0], 1]);
    expect(byClass("EmptyLatentImage")[0]?.[1].inputs).toEqual({ width: 768, height: 512, batch_size: 1 });
    expect(byClass("KSampler")[0]?.[1].inputs).toMatchObject({
      seed: 1234,
      steps: 20,
      cfg: 6.5,
      sampler_name: "dpmpp_2m",
      scheduler: "karras",
      denoise: 1,
    });
    expect(byClass("VAEDecode")).toHaveLength(1);
    expect(byClass("SaveImage")).toHaveLength(1);

    const [view] = server.received("GET", "/view");
    expect(Object.fromEntries(view!.query)).toEqual({ filename: "kiln_00001_.png", subfolder: "", type: "output" });
  });

  it("fills placeholders in an admin-supplied workflow, keeping numbers numeric", async () => {
    const workflow = {
      "3": {
        class_type: "KSampler",
        inputs: {
          seed: "{{seed}}",
          steps: "{{steps}}",
          cfg: "{{cfg}}",
          sampler_name: "{{sampler}}",
          scheduler: "{{scheduler}}",
        },
      },
      "6": { class_type: "CLIPTextEncode", inputs: { text: "brand style, {{prompt}}" } },
      "9": { class_type: "SaveImage", inputs: { filename_prefix: "x", images: ["8", 0] } },
    };
    await adapter({ workflow: JSON.stringify(workflow) }).generate(REQ);
    const graph = server.received("POST", "/prompt")[0]!.json().prompt as typeof workflow;
    expect(graph["3"].inputs).toEqual({
      seed: 1234,
      steps: 20,
      cfg: 6.5,
      sampler_name: "dpmpp_2m",
      scheduler: "karras",
    });
    expect(graph["6"].inputs.text).toBe("brand style, a red teapot on a table");
  });

  it("maps /prompt validation failures (node_errors) to invalid_request", async () => {
    server.route("POST", "/prompt", (_req, res) =>
      sendJson(res, 400, {
        error: {
          type: "prompt_outputs_failed_validation",
          message: "Prompt outputs failed validation",
          details: "",
          extra_info: {},
        },
        node_errors: {
          "1": {
            errors: [
              {
                type: "value_not_in_list",
                message: "Value not in list",
                details: "ckpt_name: 'missing.safetensors' not in [...]",
              },
            ],
            class_type: "CheckpointLoaderSimple",
          },
        },
      }),
    );
    const error = await adapter()
      .generate(REQ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "invalid_request", retryable: false });
    expect((error as Error).message).toContain("ckpt_name");
  });

  it("reports an execution error from /history as a retryable failure", async () => {
    server.route("GET", "/history/p-1", (_req, res) =>
      sendJson(
        res,
        200,
        historyEntry(
          {},
          {
            status_str: "error",
            completed: false,
            messages: [["execution_error", { node_type: "KSampler", exception_message: "CUDA out of memory" }]],
          },
        ),
      ),
    );
    await expect(adapter().generate(REQ)).rejects.toMatchObject({
      kind: "transient",
      message: expect.stringContaining("CUDA out of memory"),
    });
  });

  it("times out while polling and drops the prompt from the queue", async () => {
    server.route("GET", "/history/p-1", (_req, res) => sendJson(res, 200, {}));
    server.route("POST", "/queue", (_req, res) => sendJson(res, 200, {}));
    await expect(adapter().generate(REQ, { timeoutMs: 150 })).rejects.toMatchObject({ kind: "timeout" });
    await expect.poll(() => server.received("POST", "/queue").map((r) => r.json())).toEqual([{ delete: ["p-1"] }]);
  });

  it("gives up after maxWaitMs of polling even without a caller timeout", async () => {
    server.route("GET", "/history/p-1", (_req, res) => sendJson(res, 200, {}));
    await expect(adapter({ maxWaitMs: 100 }).generate(REQ)).rejects.toMatchObject({ kind: "timeout" });
  });

  it("honours the caller's AbortSignal on a hanging request", async () => {
    server.route("POST", "/prompt", hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(adapter().generate(REQ, { signal: controller.signal })).rejects.toMatchObject({
      kind: "timeout",
      message: expect.stringContaining("aborted"),
    });
  });

  it("maps auth failures from a fronting proxy and unreachable endpoints", async () => {
    server.route("POST", "/prompt", (_req, res) => sendJson(res, 401, { error: "unauthorized" }));
    await expect(adapter().generate(REQ)).rejects.toMatchObject({ kind: "auth" });
    const url = server.url;
    await server.close();
    const dead = createComfyUIAdapter({ kind: "comfyui", allowPrivate: true, baseUrl: url });
    await expect(dead.generate(REQ)).rejects.toMatchObject({ kind: "unavailable" });
    server = await startFakeServer();
  });

  it("inpaints by uploading image and mask and encoding them with VAEEncodeForInpaint", async () => {
    let n = 0;
    server.route("POST", "/upload/image", (_req, res) =>
      sendJson(res, 200, { name: `up-${++n}.png`, subfolder: n === 2 ? "masks" : "", type: "input" }),
    );
    const mask = Buffer.from(TINY_PNG);
    const result = await adapter().inpaint!({ ...REQ, loras: [], image: TINY_PNG, mask });
    expect(result.image.equals(TINY_PNG)).toBe(true);

    const uploads = server.received("POST", "/upload/image");
    expect(uploads).toHaveLength(2);
    const form = await uploads[0]!.form();
    expect(form.get("type")).toBe("input");
    expect((await partBytes(form, "image"))?.equals(TINY_PNG)).toBe(true);

    const graph = server.received("POST", "/prompt")[0]!.json().prompt as Record<
      string,
      { class_type: string; inputs: Record<string, unknown> }
    >;
    const node = (c: string) => Object.values(graph).find((x) => x.class_type === c)?.inputs;
    expect(node("LoadImage")).toEqual({ image: "up-1.png" });
    expect(node("LoadImageMask")).toEqual({ image: "masks/up-2.png", channel: "red" });
    expect(node("VAEEncodeForInpaint")).toMatchObject({ grow_mask_by: 6 });
    expect(node("EmptyLatentImage")).toBeUndefined();
  });

  it("starts from a reference image: uploads it, scales it to the size, VAEEncode, KSampler denoise = strength", async () => {
    server.route("POST", "/upload/image", (_req, res) =>
      sendJson(res, 200, { name: "ref-1.png", subfolder: "", type: "input" }),
    );
    const result = await adapter().imageToImage!({ ...REQ, loras: [], image: TINY_PNG, strength: 0.35 });
    expect(result.image.equals(TINY_PNG)).toBe(true);
    const [upload] = server.received("POST", "/upload/image");
    expect((await partBytes(await upload!.form(), "image"))?.equals(TINY_PNG)).toBe(true);
    const graph = server.received("POST", "/prompt")[0]!.json().prompt as Record<
      string,
      { class_type: string; inputs: Record<string, unknown> }
    >;
    const entry = (c: string) => Object.entries(graph).find(([, x]) => x.class_type === c);
    expect(entry("LoadImage")?.[1].inputs).toEqual({ image: "ref-1.png" });
    expect(entry("ImageScale")?.[1].inputs).toMatchObject({
      image: [entry("LoadImage")![0], 0],
      width: 768,
      height: 512,
    });
    expect(entry("VAEEncode")?.[1].inputs).toMatchObject({ pixels: [entry("ImageScale")![0], 0] });
    expect(entry("KSampler")?.[1].inputs).toMatchObject({
      denoise: 0.35,
      latent_image: [entry("VAEEncode")![0], 0],
      seed: 1234,
    });
    expect(entry("EmptyLatentImage")).toBeUndefined();
  });

  it("lists checkpoints from /object_info", async () => {
    server.route("GET", "/object_info/CheckpointLoaderSimple", (_req, res) =>
      sendJson(res, 200, {
        CheckpointLoaderSimple: { input: { required: { ckpt_name: [["a.safetensors", "b.ckpt"], {}] } } },
      }),
    );
    await expect(adapter().listModels!()).resolves.toEqual(["a.safetensors", "b.ckpt"]);
  });
});
