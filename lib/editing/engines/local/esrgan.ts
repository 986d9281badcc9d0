import sharp from "sharp";
import { AppError } from "@/lib/errors";
import type { EditEngine, EngineCallOptions, EngineResult, UpscaleInput } from "../types";
import { decodeImage, encodePng, ownBytes, type DecodedImage } from "./pixels";
import { ESRGAN_THREADS, ProgressRelay, runEngineTask } from "./pool";

/** Low-resolution tile side: ~20 MB a 64-channel activation, ~1.2× the work of the kept pixels in padding. Bands are cut at tile rows. */
export const ESRGAN_TILE = 256;
/** Context around each tile, cropped away after: the network's receptive radius is 10 input pixels (see workers/esrgan.mjs). */
export const ESRGAN_PAD = 12;
/** Largest result: 64 MP (8192²) is 200 MB of RGB before encoding; beyond that the GPU engine is the tool. */
export const MAX_UPSCALE_OUTPUT_PIXELS = 64_000_000;

type Band = { pixels: Uint8Array; width: number; rows: number; inferMs: number; tiles: number };

/** Rows [start, end) of the image for each thread: whole tile rows, spread evenly. */
export function bandsOf(height: number, tile: number, threads: number): { start: number; end: number }[] {
  const tileRows = Math.ceil(height / tile);
  const count = Math.max(1, Math.min(threads, tileRows));
  const bands = [];
  for (let i = 0; i < count; i++) {
    const start = Math.round((i * tileRows) / count) * tile;
    const end = Math.min(height, Math.round(((i + 1) * tileRows) / count) * tile);
    bands.push({ start, end });
  }
  return bands;
}

/** One thread's task: its rows plus ESRGAN_PAD rows of context above and below (all it reads). */
function bandTask(source: DecodedImage, band: { start: number; end: number }, scale: number, tile: number) {
  const { width, height } = source;
  const from = Math.max(0, band.start - ESRGAN_PAD);
  const to = Math.min(height, band.end + ESRGAN_PAD);
  const pixels = ownBytes(source.rgb.subarray(from * width * 3, to * width * 3));
  const task = {
    pixels,
    width,
    height: to - from,
    scale,
    tile,
    pad: ESRGAN_PAD,
    rowStart: band.start - from,
    rowEnd: band.end - from,
  };
  return { task, transfer: [pixels.buffer as ArrayBuffer] };
}

/**
 * bench/editor.ts: the bare forward passes over the same tiles on the same threads, in ms: each
 * thread sums its model.predict + read-back times (input tensors built beforehand, nothing placed),
 * and the threads run side by side, so the figure is the slower thread's sum.
 */
export async function esrganBareInferenceMs({ image, scale }: UpscaleInput): Promise<number> {
  const source = await decodeImage(image);
  const bands = bandsOf(source.height, ESRGAN_TILE, ESRGAN_THREADS);
  const sums = await Promise.all(
    bands.map((band) => {
      const { task, transfer } = bandTask(source, band, scale, ESRGAN_TILE);
      return runEngineTask<{ inferMs: number }>("esrgan", { op: "bench", ...task }, undefined, undefined, transfer);
    }),
  );
  return Math.max(...sums.map((s) => s.inferMs));
}

/** Options for tests and the bench: the tile side (e.g. small, to put seams where a test looks). */
export type EsrganOptions = EngineCallOptions & { tile?: number };

/**
 * ESRGAN (RDN slim, x2 / x4 weights from @upscalerjs/esrgan-slim) in tiles on tfjs-wasm worker
 * threads. 4× uses the package's own 4× network in one pass: the 2× network twice would run the
 * second pass on 4× the pixels (≈5× the work) and compound its artefacts. Transparency is kept: the
 * colour goes through the network, the alpha channel is resized with Lanczos.
 */
export async function esrganUpscale(
  { image, scale }: UpscaleInput,
  options?: EsrganOptions,
): Promise<EngineResult & { inferMs: number; slowestBandInferMs: number; tiles: number }> {
  if (scale !== 2 && scale !== 4) throw new AppError("invalid_input", `Upscale by 2 or 4, not ${scale}.`);
  const source = await decodeImage(image);
  const { width, height } = source;
  const outWidth = width * scale;
  const outHeight = height * scale;
  if (outWidth * outHeight > MAX_UPSCALE_OUTPUT_PIXELS)
    throw new AppError(
      "payload_too_large",
      `A ${scale}× upscale of ${width}×${height} would be ${Math.round((outWidth * outHeight) / 1e6)} MP; this machine's engine stops at ${MAX_UPSCALE_OUTPUT_PIXELS / 1e6} MP. Upscale a smaller image or use the GPU engine.`,
    );
  const tile = options?.tile ?? ESRGAN_TILE;
  const bands = bandsOf(height, tile, ESRGAN_THREADS);
  const relay = new ProgressRelay(
    options?.onProgress,
    bands.map((b) => b.end - b.start),
    0,
    0.95,
  );
  const results = await Promise.all(
    bands.map((band, part) => {
      // Each thread gets its rows plus ESRGAN_PAD rows of context above and below (all it reads).
      const from = Math.max(0, band.start - ESRGAN_PAD);
      const to = Math.min(height, band.end + ESRGAN_PAD);
      const pixels = ownBytes(source.rgb.subarray(from * width * 3, to * width * 3));
      const task = {
        op: "upscale",
        pixels,
        width,
        height: to - from,
        scale,
        tile,
        pad: ESRGAN_PAD,
        rowStart: band.start - from,
        rowEnd: band.end - from,
      };
      return runEngineTask<Band>("esrgan", task, { relay, part }, options, [pixels.buffer as ArrayBuffer]);
    }),
  );
  await relay.settle();
  const rgb = Buffer.concat(results.map((r) => r.pixels));
  const alpha = source.alpha
    ? await sharp(Buffer.from(source.alpha), { raw: { width, height, channels: 1 } })
        .resize(outWidth, outHeight, { kernel: "lanczos3", fit: "fill" })
        .extractChannel(0)
        .raw()
        .toBuffer()
    : undefined;
  const png = await encodePng(rgb, outWidth, outHeight, alpha);
  relay.emit(1);
  await relay.settle();
  return {
    image: png,
    width: outWidth,
    height: outHeight,
    inferMs: results.reduce((sum, r) => sum + r.inferMs, 0),
    // The forward passes of this very call on its critical path (the threads run side by side).
    slowestBandInferMs: Math.max(...results.map((r) => r.inferMs)),
    tiles: results.reduce((sum, r) => sum + r.tiles, 0),
  };
}

export const esrganEngine: EditEngine = {
  id: "esrgan-local",
  label: "ESRGAN (this machine's CPU)",
  local: true,
  operations: new Set(["upscale"]),
  async upscale(input, options) {
    const { image, width, height } = await esrganUpscale(input, options);
    return { image, width, height };
  },
};
