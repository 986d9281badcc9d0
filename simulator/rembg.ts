import sharp from "sharp";
import { z } from "zod";
import { BadImageError, decodeImage } from "./edit";

/**
 * POST /rembg, the API of the stable-diffusion-webui-rembg extension (AUTOMATIC1111's extension:
 * scripts/api.py): { input_image (base64), model, return_mask, alpha_matting,
 * alpha_matting_foreground_threshold, alpha_matting_background_threshold, alpha_matting_erode_size }
 * → { image: base64 PNG } (RGBA cut-out, or the "L" mask when return_mask). model "None" answers null.
 *
 * The simulator's "segmentation model" (see matte): deterministic, and a real RGBA PNG out.
 */
export const REMBG_MODELS = [
  "u2net",
  "u2netp",
  "u2net_human_seg",
  "u2net_cloth_seg",
  "silueta",
  "isnet-general-use",
  "isnet-anime",
] as const;

export const rembgSchema = z.looseObject({
  input_image: z.string().default(""),
  model: z.string().default("u2net"),
  return_mask: z.boolean().default(false),
  alpha_matting: z.boolean().default(false),
  alpha_matting_foreground_threshold: z.number().int().min(0).max(255).default(240),
  alpha_matting_background_threshold: z.number().int().min(0).max(255).default(10),
  alpha_matting_erode_size: z.number().int().min(0).max(100).default(10),
});
export type RembgRequest = z.infer<typeof rembgSchema>;

export class UnknownRembgModelError extends Error {}

/** Work size for the segmentation; the matte is scaled back up and feathered. */
const WORK_SIDE = 256;

/**
 * Alpha 0–255 per pixel. Background is what can be reached from the image's border without
 * crossing an edge: a flood fill over a smoothed copy, stepping to a neighbour only while the
 * colour changes gently (backdrops and floors are gradients; objects have edges). What the flood
 * never reaches is the subject. The binary matte is then scaled up and feathered.
 */
export async function matte(
  rgb: { data: Buffer; width: number; height: number },
  req: Pick<RembgRequest, "alpha_matting" | "alpha_matting_erode_size">,
): Promise<Buffer> {
  const { width, height } = rgb;
  const scale = Math.min(1, WORK_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const small = await sharp(rgb.data, { raw: { width, height, channels: 3 } })
    .resize(w, h, { fit: "fill", kernel: "cubic" })
    .blur(1.2)
    .raw()
    .toBuffer();
  const STEP = 9; // largest colour change (sum over channels) between neighbours inside a backdrop
  const DRIFT = 36; // largest distance from the reference colour
  const FOLLOW = 0.05; // how fast the reference follows the backdrop's gradient
  const background = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  let head = 0;
  let tail = 0;
  // Each flooded pixel carries a slowly following reference colour: long gentle gradients (a sky,
  // a floor) pass, but a soft yet quick transition (a shaded ball's rim) outruns it and stops the fill.
  const ref = new Float32Array(w * h * 3);
  const seed = (i: number) => {
    if (!background[i]) {
      background[i] = 1;
      for (let c = 0; c < 3; c++) ref[i * 3 + c] = small[i * 3 + c]!;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  const diff = (a: number, b: number) =>
    Math.abs(small[a * 3]! - small[b * 3]!) +
    Math.abs(small[a * 3 + 1]! - small[b * 3 + 1]!) +
    Math.abs(small[a * 3 + 2]! - small[b * 3 + 2]!);
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % w;
    const y = (i - x) / w;
    for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
      if (j < 0 || background[j] || diff(i, j) > STEP) continue;
      let drift = 0;
      for (let c = 0; c < 3; c++) drift += Math.abs(small[j * 3 + c]! - ref[i * 3 + c]!);
      if (drift > DRIFT) continue;
      background[j] = 1;
      for (let c = 0; c < 3; c++) ref[j * 3 + c] = ref[i * 3 + c]! * (1 - FOLLOW) + small[j * 3 + c]! * FOLLOW;
      queue[tail++] = j;
    }
  }
  const alpha = Buffer.alloc(w * h);
  for (let i = 0; i < w * h; i++) alpha[i] = background[i] ? 0 : 255;
  // Feathered edge; alpha matting (a finer edge in rembg) is simulated by a wider feather.
  const sigma = req.alpha_matting ? Math.max(0.8, req.alpha_matting_erode_size / 4) : 1.2;
  return sharp(alpha, { raw: { width: w, height: h, channels: 1 } })
    .median(3)
    .resize(width, height, { fit: "fill", kernel: "cubic" })
    .blur(sigma)
    .extractChannel(0)
    .raw()
    .toBuffer();
}

export async function removeBackground(req: RembgRequest): Promise<Buffer | null> {
  if (!req.model || req.model === "None") return null;
  if (!(REMBG_MODELS as readonly string[]).includes(req.model))
    throw new UnknownRembgModelError(`No such file or directory: '${req.model}.onnx'`);
  const rgb = await decodeImage(req.input_image);
  const alpha = await matte(rgb, req);
  if (req.return_mask) {
    return sharp(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } })
      .toColourspace("b-w")
      .png()
      .toBuffer();
  }
  return sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .joinChannel(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } })
    .png()
    .toBuffer();
}

export { BadImageError };
