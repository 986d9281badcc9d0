/**
 * One interface for every GPU endpoint. Each provider is a small adapter (one folder or file per
 * provider) that translates these calls into the provider's documented HTTP API.
 */
export const PROVIDER_KINDS = ["a1111", "comfyui", "replicate", "fal", "stability", "openai"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export type Capability = "generate" | "inpaint" | "upscale" | "removeBackground";

export type Lora = { name: string; weight: number };

export type GenerateRequest = {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  cfgScale: number;
  sampler: string;
  seed: number;
  /** The provider's model identifier, version pinned (e.g. a checkpoint name or "owner/model:version"). */
  model: string;
  loras: Lora[];
};

export type InpaintRequest = GenerateRequest & { image: Buffer; mask: Buffer };
/** A generation that starts from an image (img2img): `strength` 0–1 is how far it may move away (denoising strength). */
export type ImageToImageRequest = GenerateRequest & { image: Buffer; strength: number };
export type UpscaleRequest = { image: Buffer; scale: 2 | 4; upscaler?: string };
export type RemoveBackgroundRequest = { image: Buffer };

export type ImageResult = {
  image: Buffer;
  contentType: string;
  /** The seed the provider actually used (it may differ when the request asked for a random one). */
  seed?: number;
  /** Billed GPU time, when the provider reports it (per-GPU-second price models). */
  gpuSeconds?: number;
  /** The provider's id for the call (prediction id, prompt id, request id), for support and audit. */
  providerRequestId?: string;
};

/**
 * Why a provider call failed, which decides what happens next:
 * transient/timeout/unavailable → retry with backoff; content_filtered/invalid_request/auth → no retry.
 */
export type ProviderErrorKind =
  "transient" | "timeout" | "unavailable" | "content_filtered" | "invalid_request" | "auth";

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  /** Whether the provider bills this failed call (one ledger row is written either way). */
  readonly billable: boolean;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; billable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.status = options.status;
    this.billable = options.billable ?? false;
  }

  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "timeout" || this.kind === "unavailable";
  }
}

export type CallOptions = { signal?: AbortSignal; timeoutMs?: number };

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  readonly capabilities: ReadonlySet<Capability>;
  generate(request: GenerateRequest, options?: CallOptions): Promise<ImageResult>;
  inpaint?(request: InpaintRequest, options?: CallOptions): Promise<ImageResult>;
  /** Generation from a reference image (lib/providers/reference-image.ts lists the kinds that have it). */
  imageToImage?(request: ImageToImageRequest, options?: CallOptions): Promise<ImageResult>;
  upscale?(request: UpscaleRequest, options?: CallOptions): Promise<ImageResult>;
  removeBackground?(request: RemoveBackgroundRequest, options?: CallOptions): Promise<ImageResult>;
  /** Models the endpoint offers, for the admin's preset form (where the API has such a list). */
  listModels?(options?: CallOptions): Promise<string[]>;
}

/** What an admin configures for an endpoint; the secret is decrypted just before use. */
export type ProviderConfig = {
  kind: ProviderKind;
  baseUrl: string;
  apiKey?: string;
  /**
   * The endpoint's url-safety flag: loopback and private addresses may be reached. Every request
   * the adapter makes (API calls, output downloads) is held to it at connect time; off when unset.
   */
  allowPrivate?: boolean;
  /** Provider-specific settings, e.g. a ComfyUI workflow template or a Replicate model version. */
  options?: Record<string, unknown>;
};

/**
 * Adapters take fetch as a dependency so tests can point them at local fakes of the real APIs;
 * without one they use the outbound policy's fetch, whose DNS answers tests may inject (`lookup`).
 */
export type AdapterDeps = {
  fetch?: typeof fetch;
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
};
