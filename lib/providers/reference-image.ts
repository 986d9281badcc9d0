import type { ProviderKind } from "./types";

/**
 * Endpoint kinds whose adapter can start a generation from an image (`imageToImage`):
 * AUTOMATIC1111/Forge (and the simulator) through /sdapi/v1/img2img with init_images and
 * denoising_strength; ComfyUI through /upload/image and a LoadImage → VAEEncode graph.
 * The cloud adapters here (Replicate, fal, Stability, OpenAI) do not offer it yet.
 */
const REFERENCE_IMAGE_KINDS: ReadonlySet<ProviderKind> = new Set<ProviderKind>(["a1111", "comfyui"]);

export function supportsReferenceImage(kind: string): boolean {
  return REFERENCE_IMAGE_KINDS.has(kind as ProviderKind);
}

/** How far the endpoint may move from the reference (A1111's denoising_strength, ComfyUI's KSampler denoise). */
export const REFERENCE_STRENGTH = { min: 0.05, max: 1, default: 0.6 } as const;

export function referenceUnsupportedMessage(providerName: string): string {
  return `${providerName} cannot start from a reference image (not supported by this endpoint). Choose a preset on an AUTOMATIC1111 or ComfyUI endpoint, or remove the reference.`;
}
