import type { AdapterDeps, ProviderConfig } from "@/lib/providers/types";
import { createA1111Interrogator } from "./a1111-interrogate";
import { createOpenAIVisionCaptioner } from "./openai-vision";
import { createReplicateCaptioner, DEFAULT_REPLICATE_CAPTION_MODEL } from "./replicate-caption";
import type { Captioner, DraftingEngineId, EngineDescription } from "./types";

export * from "./types";

/** Each engine, the GPU endpoint kind it calls through, and its model. */
export const ALT_TEXT_ENGINE_INFO: Readonly<Record<DraftingEngineId, EngineDescription>> = {
  a1111_interrogate: {
    label: "AUTOMATIC1111 interrogate",
    providerKind: "a1111",
    defaultModel: "clip",
    modelHint: "clip (BLIP caption + CLIP tags) or deepdanbooru (tags only)",
  },
  openai_vision: {
    label: "OpenAI vision",
    providerKind: "openai",
    defaultModel: "gpt-4o-mini",
    modelHint: "a vision-capable chat model, e.g. gpt-4o-mini or gpt-4.1-mini",
  },
  replicate_caption: {
    label: "Replicate captioning",
    providerKind: "replicate",
    defaultModel: DEFAULT_REPLICATE_CAPTION_MODEL,
    modelHint: '"owner/name:version" of a captioning model (default: salesforce/blip)',
  },
};

export function engineLabel(engine: string): string {
  return engine === "off" ? "Off" : (ALT_TEXT_ENGINE_INFO[engine as DraftingEngineId]?.label ?? engine);
}

export function createCaptioner(engine: DraftingEngineId, config: ProviderConfig, deps?: AdapterDeps): Captioner {
  switch (engine) {
    case "a1111_interrogate":
      return createA1111Interrogator(config, deps);
    case "openai_vision":
      return createOpenAIVisionCaptioner(config, deps);
    case "replicate_caption":
      return createReplicateCaptioner(config, deps);
    default: {
      const unknown: never = engine;
      throw new Error(`unknown alt-text engine: ${String(unknown)}`);
    }
  }
}
