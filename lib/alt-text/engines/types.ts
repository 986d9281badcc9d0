import type { AdapterDeps, CallOptions, ProviderConfig, ProviderKind } from "@/lib/providers/types";

/** The engines an installation may choose for drafting alt text ("off": nobody drafts; people write it). */
export const ALT_TEXT_ENGINES = ["off", "a1111_interrogate", "openai_vision", "replicate_caption"] as const;
export type AltTextEngineId = (typeof ALT_TEXT_ENGINES)[number];
export type DraftingEngineId = Exclude<AltTextEngineId, "off">;

/** What an engine is given: one image (a JPEG or PNG small enough for any API), and the model to use. */
export type CaptionRequest = { image: Buffer; contentType: string; model?: string | null };
/** The engine's raw caption, before lib/alt-text/clean.ts turns it into alt text. */
export type CaptionResult = { caption: string; model: string; providerRequestId?: string };

export interface Captioner {
  readonly engine: DraftingEngineId;
  caption(request: CaptionRequest, options?: CallOptions): Promise<CaptionResult>;
}

export type EngineDescription = {
  label: string;
  /** The GPU endpoint kind whose URL and secret the engine uses. */
  providerKind: ProviderKind;
  defaultModel: string;
  modelHint: string;
};

export type CaptionerFactory = (config: ProviderConfig, deps?: AdapterDeps) => Captioner;
