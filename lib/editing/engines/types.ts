/**
 * One interface for every editor engine, local (CPU on this machine, in a worker thread) or remote
 * (a GPU endpoint's API). lib/editing picks the engine per operation from the admin's settings
 * (edit_engine_settings) and calls it from the edit function's step.
 */
export type EditOperationKind = "erase" | "upscale" | "remove_background";

export type EngineProgress = (fraction: number) => void | Promise<void>;

export type EraseInput = {
  /** PNG/JPEG/WebP bytes of the source version. */
  image: Buffer;
  /** PNG, same size as the image (or resized to it): white (≥ 128) marks what to remove. */
  mask: Buffer;
  /** The prompt of the asset's generation, for engines that regenerate the area. */
  prompt?: string;
};
export type UpscaleInput = { image: Buffer; scale: 2 | 4 };
export type RemoveBackgroundInput = { image: Buffer };

/** What an engine hands back: PNG bytes (RGBA for background removal) and what it measured. */
export type EngineResult = {
  image: Buffer;
  width: number;
  height: number;
  /** For per-GPU-second prices (remote) and the version list. */
  gpuSeconds?: number;
  providerRequestId?: string;
};

export type EngineCallOptions = { onProgress?: EngineProgress; signal?: AbortSignal; timeoutMs?: number };

export interface EditEngine {
  /** Stable id stored on the edit and the ledger row, e.g. "a1111", "stability", "esrgan-local", "telea-local", "imgly-local", "lanczos-local". */
  readonly id: string;
  readonly label: string;
  /** Local engines run on this machine's CPU and bill nothing to a provider. */
  readonly local: boolean;
  readonly operations: ReadonlySet<EditOperationKind>;
  erase?(input: EraseInput, options?: EngineCallOptions): Promise<EngineResult>;
  upscale?(input: UpscaleInput, options?: EngineCallOptions): Promise<EngineResult>;
  removeBackground?(input: RemoveBackgroundInput, options?: EngineCallOptions): Promise<EngineResult>;
}
