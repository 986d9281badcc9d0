/**
 * One entry point from an admin-configured endpoint to its adapter, and a static description of
 * what each provider kind can do (the admin UI shows it; the editor hides actions a kind lacks).
 */
import { A1111_CAPABILITIES, createA1111Adapter } from "./a1111";
import { COMFYUI_CAPABILITIES, createComfyUIAdapter } from "./comfyui";
import { createFalAdapter, FAL_CAPABILITIES } from "./fal";
import { createOpenAIAdapter, OPENAI_CAPABILITIES } from "./openai";
import { createReplicateAdapter, REPLICATE_CAPABILITIES } from "./replicate";
import { createStabilityAdapter, STABILITY_CAPABILITIES } from "./stability";
import type { AdapterDeps, Capability, ProviderAdapter, ProviderConfig, ProviderKind } from "./types";

export type ProviderDescription = {
  label: string;
  capabilities: readonly Capability[];
  /** Whether the endpoint needs an API key. */
  needsApiKey: boolean;
  defaultBaseUrl?: string;
  /** What the preset's "model" field means for this kind. */
  modelHint: string;
  /** Which failed calls the provider bills (what the cost ledger records). */
  billing: string;
  notes?: string;
};

export const PROVIDER_CAPABILITIES: Readonly<Record<ProviderKind, ProviderDescription>> = {
  a1111: {
    label: "AUTOMATIC1111 / Forge",
    capabilities: [...A1111_CAPABILITIES],
    needsApiKey: false,
    modelHint: "checkpoint title as listed by /sdapi/v1/sd-models",
    billing: "self-hosted: priced by the preset's own price model",
    notes:
      "The built-in GPU endpoint simulator speaks this API. Background removal needs the stable-diffusion-webui-rembg extension (the simulator has it).",
  },
  comfyui: {
    label: "ComfyUI",
    capabilities: COMFYUI_CAPABILITIES,
    needsApiKey: false,
    modelHint: "checkpoint file name (ckpt_name), e.g. sd_xl_base_1.0.safetensors",
    billing: "self-hosted: priced by the preset's own price model; GPU seconds come from the execution history",
    notes:
      "Builds a standard txt2img/inpaint graph; options.workflow (API format, {{placeholders}}) overrides txt2img.",
  },
  replicate: {
    label: "Replicate",
    capabilities: REPLICATE_CAPABILITIES,
    needsApiKey: true,
    defaultBaseUrl: "https://api.replicate.com",
    modelHint: '"owner/name:version" (billed by GPU time) or "owner/name" for official models (billed per output)',
    billing:
      "pinned versions bill GPU time, so failed or cancelled predictions that ran are billable (metrics.predict_time)",
  },
  fal: {
    label: "fal",
    capabilities: FAL_CAPABILITIES,
    needsApiKey: true,
    defaultBaseUrl: "https://queue.fal.run",
    modelHint: "model id, e.g. fal-ai/fast-sdxl or fal-ai/flux/dev",
    billing: "completed requests are billed (including safety-checker hits); 5xx failures are not",
    notes: "Inpaint uses options.inpaintModel (default fal-ai/fast-sdxl/inpainting).",
  },
  stability: {
    label: "Stability AI",
    capabilities: STABILITY_CAPABILITIES,
    needsApiKey: true,
    defaultBaseUrl: "https://api.stability.ai",
    modelHint: "ultra, core, or an SD3 model (sd3.5-large, sd3.5-large-turbo, sd3.5-medium)",
    billing:
      "credits are spent on generations that return an image, including blurred CONTENT_FILTERED ones; rejected requests are free",
    notes: "Sizes map to the nearest aspect ratio; no LoRAs, no sampler or steps control.",
  },
  openai: {
    label: "OpenAI images",
    capabilities: OPENAI_CAPABILITIES,
    needsApiKey: true,
    defaultBaseUrl: "https://api.openai.com",
    modelHint: "gpt-image-1, dall-e-3 or dall-e-2",
    billing: "refused requests (moderation, validation) are not billed",
    notes: "No negative prompt (folded into the prompt as an 'Avoid: …' sentence), no seed, fixed sizes.",
  },
};

export function createAdapter(config: ProviderConfig, deps?: AdapterDeps): ProviderAdapter {
  switch (config.kind) {
    case "a1111":
      return createA1111Adapter(config, deps);
    case "comfyui":
      return createComfyUIAdapter(config, deps);
    case "replicate":
      return createReplicateAdapter(config, deps);
    case "fal":
      return createFalAdapter(config, deps);
    case "stability":
      return createStabilityAdapter(config, deps);
    case "openai":
      return createOpenAIAdapter(config, deps);
    default: {
      const unknown: never = config.kind;
      throw new Error(`unknown provider kind: ${String(unknown)}`);
    }
  }
}
