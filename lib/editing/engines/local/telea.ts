import sharp, { type Metadata } from "sharp";
import { AppError } from "@/lib/errors";
import type { EditEngine, EngineCallOptions, EngineResult, EraseInput } from "../types";
import { decodeImage, encodePng, imageSize, ownBytes } from "./pixels";
import { cropBox, maskBoxes, pasteBox, shareBoxes } from "./mask-boxes";
import { ProgressRelay, runEngineTask, TELEA_THREADS } from "./pool";

/**
 * Telea fills a hole from its rim; past a few percent of the picture the fill is a visible smear.
 * Larger masks are refused with a pointer to the GPU engine, which regenerates the area instead.
 */
export const MAX_TELEA_MASK_SHARE = 0.1;
/** Pixels of known neighbourhood Telea averages over (OpenCV's sample uses 3–5). */
export const TELEA_RADIUS = 5;
/** The painted mask grows by this share of the shorter side (at least 2 px) so the fill starts beyond anti-aliased edges and halos. */
const DILATE_SHARE = 1 / 256;
/** A mask of another shape than the image (beyond rounding) was painted on something else. */
const ASPECT_TOLERANCE = 0.01;

export type PreparedMask = { mask: Uint8Array; share: number };

/**
 * The mask as one byte a pixel at the image's size, 255 = remove: transparent paint counts as
 * "keep" (a canvas export), white ≥ 128 as "remove". A mask of the same shape at another size (the
 * editor paints on a scaled canvas) is resized; anything else is refused with what was wrong.
 */
export async function prepareMask(bytes: Buffer, width: number, height: number): Promise<PreparedMask> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (error) {
    throw new AppError(
      "invalid_input",
      "The mask could not be read as an image: send a PNG where white marks what to erase.",
      { cause: error },
    );
  }
  if (!meta.width || !meta.height)
    throw new AppError("invalid_input", "The mask has no size: send a PNG where white marks what to erase.");
  if (Math.abs(meta.width / meta.height / (width / height) - 1) > ASPECT_TOLERANCE)
    throw new AppError(
      "invalid_input",
      `The mask is ${meta.width}×${meta.height} but the image is ${width}×${height}: paint the mask on this image.`,
    );
  let pipeline = sharp(bytes).flatten({ background: "#000000" }).greyscale();
  if (meta.width !== width || meta.height !== height) pipeline = pipeline.resize(width, height, { fit: "fill" });
  const { data } = await pipeline.threshold(128).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let marked = 0;
  for (let i = 0; i < data.length; i++) if (data[i]) marked++;
  if (marked === 0)
    throw new AppError(
      "invalid_input",
      "The mask is empty: paint over what to erase (white on black or on transparent).",
    );
  return { mask: ownBytes(data), share: marked / data.length };
}

/** The image decoded and the mask checked, sized and within the engine's limit, with the dilation and radius to use. */
async function eraseInputs({ image, mask }: EraseInput) {
  // The mask is read while the image decodes (both on libuv's threads): it needs only the size.
  const size = await imageSize(image);
  const [source, prepared] = await Promise.all([decodeImage(image), prepareMask(mask, size.width, size.height)]);
  const { width, height } = source;
  if (prepared.share > MAX_TELEA_MASK_SHARE)
    throw new AppError(
      "invalid_input",
      `The mask covers ${Math.round(prepared.share * 100)}% of the image; the local eraser blurs areas above ${MAX_TELEA_MASK_SHARE * 100}% into a smear. Paint a smaller area, or choose the GPU eraser in the admin settings for removing objects.`,
    );
  const dilatePx = Math.max(2, Math.round(Math.min(width, height) * DILATE_SHARE));
  return { rgb: source.rgb, alpha: source.alpha, mask: prepared.mask, width, height, dilatePx, radius: TELEA_RADIUS };
}

/**
 * cv.inpaint alone over the whole image and the same dilated mask (no decode, mask preparation,
 * dilation, boxes or encode): bench/editor.ts's bare inference, and the tests' reference result.
 */
export async function teleaWholeImageInpaint(input: EraseInput): Promise<{ rgb: Uint8Array; inpaintMs: number }> {
  const { rgb, mask, width, height, dilatePx, radius } = await eraseInputs(input);
  const task = { op: "whole", rgb: ownBytes(rgb), mask, width, height, dilatePx, radius };
  return runEngineTask<{ rgb: Uint8Array; inpaintMs: number }>("telea", task, undefined, undefined, [
    task.rgb.buffer,
    mask.buffer,
  ] as ArrayBuffer[]);
}

/**
 * OpenCV's Telea inpainting on worker threads: for small blemishes, specks and thin lines. Only
 * boxes around the mask's parts are inpainted (mask-boxes.ts), each on its own, shared between the
 * engine's threads, and pasted back: the whole image's result (tested) for the cost of the holes.
 * `inpaintMs` is the slowest thread's time in cv.inpaint, `boxes` how many there were.
 */
export async function teleaErase(
  input: EraseInput,
  options?: EngineCallOptions,
): Promise<EngineResult & { inpaintMs: number; boxes: number }> {
  const { rgb, alpha, mask, width, height, dilatePx, radius } = await eraseInputs(input);
  // Telea reads known pixels within `radius` of the hole (its distance map's gradient one pixel
  // further); the boxes hold the dilation, that reach and a margin beyond it.
  const boxes = maskBoxes(mask, width, height, dilatePx + radius + 3);
  const shares = shareBoxes(boxes, TELEA_THREADS);
  const relay = new ProgressRelay(
    options?.onProgress,
    shares.map((share) => share.reduce((sum, b) => sum + b.width * b.height, 0)),
    0.1,
    0.9,
  );
  relay.emit(0.1);
  const results = await Promise.all(
    shares.map((share, part) => {
      const parts = share.map((box) => ({
        rgb: cropBox(rgb, width, 3, box),
        alpha: alpha ? cropBox(alpha, width, 1, box) : undefined,
        mask: cropBox(mask, width, 1, box),
        width: box.width,
        height: box.height,
      }));
      const transfer = parts.flatMap((p) => [
        p.rgb.buffer,
        p.mask.buffer,
        ...(p.alpha ? [p.alpha.buffer] : []),
      ]) as ArrayBuffer[];
      return runEngineTask<{ parts: { rgb: Uint8Array; alpha?: Uint8Array }[]; inpaintMs: number }>(
        "telea",
        { op: "boxes", parts, dilatePx, radius },
        { relay, part },
        options,
        transfer,
      );
    }),
  );
  shares.forEach((share, i) =>
    share.forEach((box, j) => {
      const filled = results[i]!.parts[j]!;
      pasteBox(rgb, width, 3, box, filled.rgb);
      if (alpha && filled.alpha) pasteBox(alpha, width, 1, box, filled.alpha);
    }),
  );
  const png = await encodePng(rgb, width, height, alpha);
  relay.emit(1);
  await relay.settle();
  return { image: png, width, height, inpaintMs: Math.max(...results.map((r) => r.inpaintMs)), boxes: boxes.length };
}

export const teleaEngine: EditEngine = {
  id: "telea-local",
  label: "Telea inpainting (small blemishes, this machine)",
  local: true,
  operations: new Set(["erase"]),
  erase: teleaErase,
};
