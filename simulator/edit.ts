import sharp from "sharp";
import { renderRaw, type RenderFaults, type RenderInput } from "./render";

/**
 * img2img, inpainting and upscaling for the simulator. Inpainting fills the masked area from the
 * surrounding colours (a push-pull fill), adds a little generated texture and feathers the seam,
 * which is what a real inpaint of "remove this object" roughly looks like.
 */
export type Raw = { data: Buffer; width: number; height: number };

export class BadImageError extends Error {}
export class OutputTooLargeError extends Error {}

/** Largest upscaled side: 2048 × 4, the biggest generation upscaled by the biggest factor. */
export const MAX_UPSCALE_SIDE = 8192;

/** Decodes A1111's base64 (optionally a data: URL) into raw RGB at the requested size (resize_mode 0). */
export async function decodeImage(b64: string, width?: number, height?: number, mask = false): Promise<Raw> {
  const body = b64.startsWith("data:") ? (b64.split(",")[1] ?? "") : b64;
  try {
    // A1111 converts masks with PIL's convert("L"); flattening onto black treats transparent as "keep".
    let img = sharp(Buffer.from(body, "base64")).flatten({ background: "#000000" });
    if (width && height) img = img.resize(width, height, { fit: "fill" });
    img = mask ? img.toColourspace("b-w") : img.toColourspace("srgb");
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw new BadImageError(mask ? "Invalid encoded mask" : "Invalid encoded image", { cause: error });
  }
}

/** Push-pull hole filling: averages known pixels down a pyramid, then pulls colours back into holes. */
function pushPull(rgb: Float32Array, weight: Float32Array, w: number, h: number): Float32Array {
  if (w <= 1 && h <= 1) return rgb;
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const crgb = new Float32Array(cw * ch * 3);
  const cwt = new Float32Array(cw * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const q = (y >> 1) * cw + (x >> 1);
      const wt = weight[p]!;
      cwt[q] = cwt[q]! + wt;
      for (let c = 0; c < 3; c++) crgb[q * 3 + c] = crgb[q * 3 + c]! + rgb[p * 3 + c]! * wt;
    }
  }
  for (let q = 0; q < cw * ch; q++) {
    const wt = cwt[q]!;
    if (wt > 0) for (let c = 0; c < 3; c++) crgb[q * 3 + c] = crgb[q * 3 + c]! / wt;
    cwt[q] = Math.min(1, wt);
  }
  const coarse = pushPull(crgb, cwt, cw, ch);
  const out = new Float32Array(rgb.length);
  // Bilinear pull from the coarser level, so filled holes are smooth rather than blocky.
  for (let y = 0; y < h; y++) {
    const fy = Math.min(ch - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(ch - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const wt = weight[p]!;
      if (wt >= 1) {
        for (let c = 0; c < 3; c++) out[p * 3 + c] = rgb[p * 3 + c]!;
        continue;
      }
      const fx = Math.min(cw - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(cw - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = coarse[(y0 * cw + x0) * 3 + c]! * (1 - tx) + coarse[(y0 * cw + x1) * 3 + c]! * tx;
        const bottom = coarse[(y1 * cw + x0) * 3 + c]! * (1 - tx) + coarse[(y1 * cw + x1) * 3 + c]! * tx;
        out[p * 3 + c] = rgb[p * 3 + c]! * wt + (top + (bottom - top) * ty) * (1 - wt);
      }
    }
  }
  return out;
}

export type Img2ImgOptions = {
  init: Raw;
  mask?: Raw;
  denoisingStrength: number;
  /** A1111's inpainting_fill: 0 fill, 1 original, 2 latent noise, 3 latent nothing. */
  inpaintingFill: number;
  maskBlur: number;
  invertMask: boolean;
  render: RenderInput;
  faults: RenderFaults;
};

/** Returns raw RGB of the img2img result at the init image's size (already resized to width × height). */
export async function img2img(o: Img2ImgOptions): Promise<Buffer> {
  const { width, height } = o.init;
  const n = width * height;
  const fresh = renderRaw({ ...o.render, width, height }, o.faults);
  const out = Buffer.allocUnsafe(n * 3);
  const d = o.denoisingStrength;
  if (!o.mask) {
    // Plain img2img: the new picture shows through in proportion to the denoising strength.
    for (let i = 0; i < n * 3; i++) out[i] = o.init.data[i]! * (1 - d) + fresh[i]! * d;
    return out;
  }
  let maskData = o.mask.data;
  if (o.maskBlur > 0) {
    maskData = await sharp(maskData, { raw: { width, height, channels: 1 } })
      .blur(Math.max(0.3, o.maskBlur / 2))
      .extractChannel(0) // sharp hands single-band raw input back as sRGB otherwise
      .raw()
      .toBuffer();
  }
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = o.invertMask ? 1 - maskData[i]! / 255 : maskData[i]! / 255;
  const rgb = new Float32Array(n * 3);
  const keep = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    keep[i] = m[i]! < 0.5 ? 1 : 0;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = o.init.data[i * 3 + c]!;
  }
  const filled = pushPull(rgb, keep, width, height);
  for (let i = 0; i < n; i++) {
    const a = m[i]!;
    for (let c = 0; c < 3; c++) {
      const original = o.init.data[i * 3 + c]!;
      // "Regenerated" content: the surrounding colours with a touch of the fresh render's texture.
      const generated = filled[i * 3 + c]! * 0.85 + fresh[i * 3 + c]! * 0.15;
      // As in A1111: "fill" replaces the masked content before denoising, "original" keeps it as the
      // starting point, and the latent modes start from nothing, so only denoising's output shows.
      const start = o.inpaintingFill === 0 ? filled[i * 3 + c]! : o.inpaintingFill === 1 ? original : generated;
      const inside = start + (generated - start) * d;
      out[i * 3 + c] = original + (inside - original) * a;
    }
  }
  return out;
}

export const UPSCALERS = ["None", "Lanczos", "Nearest", "ESRGAN_4x", "R-ESRGAN 4x+", "SwinIR_4x"] as const;

/** extra-single-image: a real resize with sharp; "None" leaves the image alone, as in A1111. */
export async function upscale(
  b64: string,
  o: { factor?: number; width?: number; height?: number; upscaler: string; crop: boolean },
): Promise<Buffer> {
  const src = await decodeImage(b64);
  const img = sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } });
  if (o.upscaler === "None") return img.png().toBuffer();
  const width = o.width ?? Math.round(src.width * (o.factor ?? 1));
  const height = o.height ?? Math.round(src.height * (o.factor ?? 1));
  if (width > MAX_UPSCALE_SIDE || height > MAX_UPSCALE_SIDE) {
    throw new OutputTooLargeError(`Upscaled size ${width}x${height} exceeds ${MAX_UPSCALE_SIDE} pixels per side`);
  }
  const kernel = o.upscaler === "Nearest" ? "nearest" : "lanczos3";
  return img
    .resize(width, height, { kernel, fit: o.crop ? "cover" : "fill" })
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
}
