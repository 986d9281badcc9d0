import sharp from "sharp";
import type { EditEngine } from "../types";

/** Lanczos resampling with sharp: instant, no model; the editor's upscale preview and the fallback engine. */
export const lanczosEngine: EditEngine = {
  id: "lanczos-local",
  label: "Lanczos (instant, this machine)",
  local: true,
  operations: new Set(["upscale"]),
  async upscale({ image, scale }, options) {
    const meta = await sharp(image).metadata();
    if (!meta.width || !meta.height) throw new Error("The image has no size.");
    const width = meta.width * scale;
    const height = meta.height * scale;
    const out = await sharp(image).resize(width, height, { kernel: "lanczos3", fit: "fill" }).png().toBuffer();
    await options?.onProgress?.(1);
    return { image: out, width, height };
  },
};
