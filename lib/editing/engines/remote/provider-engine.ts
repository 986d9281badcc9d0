import { createHash } from "node:crypto";
import sharp from "sharp";
import type { Capability, ImageResult, ProviderAdapter, ProviderKind } from "@/lib/providers/types";
import type { EditEngine, EditOperationKind, EngineResult } from "../types";

/**
 * A GPU endpoint's editing calls behind the EditEngine interface: erase through its inpainting
 * (A1111 img2img with a mask; Stability edit/erase), upscale through its upscaler (A1111
 * extra-single-image; Stability upscale/fast), background removal (the A1111 rembg extension;
 * Stability edit/remove-background). The engine id is the provider kind; which endpoint is the
 * edit's provider_id.
 */
export const CAPABILITY_FOR: Record<EditOperationKind, Capability> = {
  erase: "inpaint",
  upscale: "upscale",
  remove_background: "removeBackground",
};

/** A1111-style endpoints take multiples of 8 up to 2048 a side for img2img. */
const MAX_INPAINT_SIDE = 2048;

export function operationsOf(capabilities: Iterable<Capability>): Set<EditOperationKind> {
  const caps = new Set(capabilities);
  return new Set((Object.keys(CAPABILITY_FOR) as EditOperationKind[]).filter((op) => caps.has(CAPABILITY_FOR[op])));
}

/** The call size for an inpaint: the source scaled to fit 2048 and rounded to multiples of 8. */
export function inpaintSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_INPAINT_SIDE / Math.max(width, height));
  const round8 = (v: number) => Math.max(64, Math.min(MAX_INPAINT_SIDE, Math.round((v * scale) / 8) * 8));
  return { width: round8(width), height: round8(height) };
}

async function sized(image: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(image).metadata();
  if (!meta.width || !meta.height) throw new Error("The image has no size.");
  return { width: meta.width, height: meta.height };
}

/**
 * Puts the endpoint's repainted pixels back only where the mask is (feathered by a pixel or two), so
 * the rest of the picture stays exactly the source: inpainting round-trips the whole image through
 * the model's encoder, which shifts colours and softens detail outside the mask.
 */
export async function composeMasked(source: Buffer, repainted: Buffer, mask: Buffer): Promise<Buffer> {
  const { width, height } = await sized(source);
  const rgb = (b: Buffer) =>
    sharp(b)
      .flatten({ background: "#000000" })
      .resize(width, height, { fit: "fill" })
      .toColourspace("srgb")
      .raw()
      .toBuffer();
  const [src, out, m] = await Promise.all([
    rgb(source),
    rgb(repainted),
    sharp(mask)
      .flatten({ background: "#000000" })
      .resize(width, height, { fit: "fill" })
      .toColourspace("b-w")
      .blur(1.5)
      .extractChannel(0)
      .raw()
      .toBuffer(),
  ]);
  const data = Buffer.allocUnsafe(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const a = m[i]! / 255;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(src[i * 3 + c]! * (1 - a) + out[i * 3 + c]! * a);
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A deterministic seed from the inputs: the same erase on the same image repaints the same way. */
function seedOf(...parts: Buffer[]): number {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest().readUInt32BE(0) % 2_147_483_647;
}

async function asResult(result: ImageResult, alpha = false): Promise<EngineResult> {
  const img = sharp(result.image);
  const { data, info } = await (alpha ? img.ensureAlpha() : img).png().toBuffer({ resolveWithObject: true });
  return {
    image: data,
    width: info.width,
    height: info.height,
    gpuSeconds: result.gpuSeconds,
    providerRequestId: result.providerRequestId,
  };
}

export type ProviderEngineOptions = {
  kind: ProviderKind;
  label: string;
  adapter: ProviderAdapter;
  timeoutMs?: number;
};

export function providerEngine({ kind, label, adapter, timeoutMs }: ProviderEngineOptions): EditEngine {
  const operations = operationsOf(adapter.capabilities);
  const call = (options?: { signal?: AbortSignal; timeoutMs?: number }) => ({
    signal: options?.signal,
    timeoutMs: options?.timeoutMs ?? timeoutMs,
  });
  return {
    id: kind,
    label,
    local: false,
    operations,
    ...(adapter.inpaint && operations.has("erase")
      ? {
          async erase(input, options) {
            const source = await sized(input.image);
            const size = inpaintSize(source.width, source.height);
            const result = await adapter.inpaint!(
              {
                // Stability: no prompt selects edit/erase (remove the object) rather than edit/inpaint.
                prompt: kind === "stability" ? "" : (input.prompt ?? ""),
                negativePrompt: "",
                width: size.width,
                height: size.height,
                steps: 24,
                cfgScale: 7,
                sampler: "Euler a",
                seed: seedOf(input.image, input.mask),
                model: "",
                loras: [],
                image: input.image,
                mask: input.mask,
              },
              call(options),
            );
            await options?.onProgress?.(1);
            const image = await composeMasked(input.image, result.image, input.mask);
            return {
              image,
              width: source.width,
              height: source.height,
              gpuSeconds: result.gpuSeconds,
              providerRequestId: result.providerRequestId,
            };
          },
        }
      : {}),
    ...(adapter.upscale && operations.has("upscale")
      ? {
          async upscale(input, options) {
            const result = await adapter.upscale!({ image: input.image, scale: input.scale }, call(options));
            await options?.onProgress?.(1);
            return asResult(result);
          },
        }
      : {}),
    ...(adapter.removeBackground && operations.has("remove_background")
      ? {
          async removeBackground(input, options) {
            const result = await adapter.removeBackground!({ image: input.image }, call(options));
            await options?.onProgress?.(1);
            return asResult(result, true);
          },
        }
      : {}),
  };
}
