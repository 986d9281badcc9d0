/**
 * ComfyUI "API format" workflow graphs: node id → { class_type, inputs }, links as [nodeId, outputIndex].
 * Builds the standard txt2img / inpaint graphs and fills placeholders in an admin-supplied workflow.
 */
import { ProviderError, type GenerateRequest } from "./types";

export type ComfyNode = { class_type: string; inputs: Record<string, unknown> };
export type ComfyGraph = Record<string, ComfyNode>;
type Link = [string, number];

/** A1111 sampler names (what presets store) → ComfyUI sampler_name + scheduler. */
const SAMPLERS: Record<string, string> = {
  "euler a": "euler_ancestral",
  euler: "euler",
  lms: "lms",
  heun: "heun",
  dpm2: "dpm_2",
  "dpm2 a": "dpm_2_ancestral",
  "dpm++ 2s a": "dpmpp_2s_ancestral",
  "dpm++ 2m": "dpmpp_2m",
  "dpm++ sde": "dpmpp_sde",
  "dpm++ 2m sde": "dpmpp_2m_sde",
  "dpm++ 3m sde": "dpmpp_3m_sde",
  "dpm fast": "dpm_fast",
  "dpm adaptive": "dpm_adaptive",
  ddim: "ddim",
  unipc: "uni_pc",
  lcm: "lcm",
};

export function comfySampler(sampler: string): { sampler_name: string; scheduler: string } {
  const raw = sampler.trim();
  // Already a ComfyUI name (snake_case), optionally "name:scheduler".
  if (/^[a-z0-9_]+(:[a-z_]+)?$/.test(raw)) {
    const [name = "euler", scheduler = "normal"] = raw.split(":");
    return { sampler_name: name, scheduler };
  }
  let lower = raw.toLowerCase();
  let scheduler = "normal";
  for (const suffix of ["karras", "exponential", "sgm uniform"]) {
    if (lower.endsWith(` ${suffix}`)) {
      scheduler = suffix.replace(" ", "_");
      lower = lower.slice(0, -suffix.length - 1);
    }
  }
  if (lower === "ddim") scheduler = "ddim_uniform";
  return { sampler_name: SAMPLERS[lower] ?? "euler", scheduler };
}

/** Seeds must be non-negative integers for KSampler; -1 ("random") becomes a fresh random seed. */
export function comfySeed(seed: number): number {
  return seed >= 0 ? Math.floor(seed) : Math.floor(Math.random() * 2 ** 32);
}

type Base = { graph: ComfyGraph; model: Link; clip: Link; vae: Link; positive: Link; negative: Link };

function baseGraph(req: GenerateRequest): Base {
  const graph: ComfyGraph = { "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: req.model } } };
  let model: Link = ["1", 0];
  let clip: Link = ["1", 1];
  req.loras.forEach((lora, i) => {
    const id = String(20 + i);
    graph[id] = {
      class_type: "LoraLoader",
      inputs: { lora_name: lora.name, strength_model: lora.weight, strength_clip: lora.weight, model, clip },
    };
    model = [id, 0];
    clip = [id, 1];
  });
  graph["2"] = { class_type: "CLIPTextEncode", inputs: { text: req.prompt, clip } };
  graph["3"] = { class_type: "CLIPTextEncode", inputs: { text: req.negativePrompt, clip } };
  return { graph, model, clip, vae: ["1", 2], positive: ["2", 0], negative: ["3", 0] };
}

function finish(base: Base, req: GenerateRequest, latent: Link, denoise = 1): ComfyGraph {
  const { graph } = base;
  graph["5"] = {
    class_type: "KSampler",
    inputs: {
      seed: comfySeed(req.seed),
      steps: req.steps,
      cfg: req.cfgScale,
      ...comfySampler(req.sampler),
      denoise,
      model: base.model,
      positive: base.positive,
      negative: base.negative,
      latent_image: latent,
    },
  };
  graph["6"] = { class_type: "VAEDecode", inputs: { samples: ["5", 0], vae: base.vae } };
  graph["7"] = { class_type: "SaveImage", inputs: { filename_prefix: "kiln", images: ["6", 0] } };
  return graph;
}

export function txt2imgGraph(req: GenerateRequest): ComfyGraph {
  const base = baseGraph(req);
  base.graph["4"] = { class_type: "EmptyLatentImage", inputs: { width: req.width, height: req.height, batch_size: 1 } };
  return finish(base, req, ["4", 0]);
}

/**
 * Image to image: the uploaded reference (LoadImage), scaled to the requested size (ImageScale),
 * encoded (VAEEncode) and denoised by `strength` (KSampler denoise < 1 keeps its composition).
 */
export function img2imgGraph(req: GenerateRequest, imageName: string, strength: number): ComfyGraph {
  const base = baseGraph(req);
  base.graph["10"] = { class_type: "LoadImage", inputs: { image: imageName } };
  base.graph["12"] = {
    class_type: "ImageScale",
    inputs: { image: ["10", 0], upscale_method: "lanczos", width: req.width, height: req.height, crop: "center" },
  };
  base.graph["4"] = { class_type: "VAEEncode", inputs: { pixels: ["12", 0], vae: base.vae } };
  return finish(base, req, ["4", 0], strength);
}

/** Inpaint: uploaded image + mask (white = repaint, read from the red channel) → VAEEncodeForInpaint. */
export function inpaintGraph(req: GenerateRequest, imageName: string, maskName: string): ComfyGraph {
  const base = baseGraph(req);
  base.graph["10"] = { class_type: "LoadImage", inputs: { image: imageName } };
  base.graph["11"] = { class_type: "LoadImageMask", inputs: { image: maskName, channel: "red" } };
  base.graph["4"] = {
    class_type: "VAEEncodeForInpaint",
    inputs: { pixels: ["10", 0], vae: base.vae, mask: ["11", 0], grow_mask_by: 6 },
  };
  return finish(base, req, ["4", 0]);
}

/**
 * Fills `{{placeholder}}` strings in an admin-supplied workflow. A string that is exactly one
 * placeholder takes the value's type (numbers stay numbers); embedded ones are interpolated.
 */
export function fillWorkflow(workflow: unknown, req: GenerateRequest): ComfyGraph {
  const { sampler_name, scheduler } = comfySampler(req.sampler);
  const values: Record<string, string | number> = {
    prompt: req.prompt,
    negative_prompt: req.negativePrompt,
    seed: comfySeed(req.seed),
    width: req.width,
    height: req.height,
    steps: req.steps,
    cfg: req.cfgScale,
    sampler: sampler_name,
    scheduler,
    model: req.model,
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      const whole = /^\{\{\s*(\w+)\s*\}\}$/.exec(node);
      if (whole && whole[1] !== undefined && whole[1] in values) return values[whole[1]];
      return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  let parsed: unknown = workflow;
  if (typeof workflow === "string") {
    try {
      parsed = JSON.parse(workflow);
    } catch (error) {
      throw new ProviderError("invalid_request", "comfyui: the configured workflow is not valid JSON", {
        cause: error,
      });
    }
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ProviderError("invalid_request", "comfyui: the configured workflow must be an API-format graph object");
  }
  return walk(parsed) as ComfyGraph;
}
