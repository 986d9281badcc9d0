/**
 * The outside floor for bench:editor: the same models called the way a developer would call them
 * from a plain script, with none of Kiln's code (no worker pool, no tiling, no bands, no progress).
 *
 *   upscale   @upscalerjs/esrgan-slim's 2× weights loaded into @tensorflow/tfjs on its WASM backend,
 *             one model.predict over the whole image (no tiles: the least work the model can do),
 *             read back as bytes
 *   bgremove  @imgly/background-removal-node's own one-call API, removeBackground(), with the "small"
 *             model Kiln uses, PNG out
 *
 * Runs as a child process of bench/editor.ts (node:child_process fork, so its memory and threads are
 * its own) and answers one IPC message per call: { op, path } → { op, ms } timed around the call.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import { removeBackground } from "@imgly/background-removal-node";

const require = createRequire(import.meta.url);

async function esrganModel() {
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  wasm.setWasmPaths(`${dir}/`);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs WASM backend did not start");
  const modelDir = path.join(process.cwd(), "node_modules/@upscalerjs/esrgan-slim/models/x2");
  const json = JSON.parse(await readFile(path.join(modelDir, "model.json"), "utf8"));
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((file) => readFile(path.join(modelDir, file))),
  );
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

let model;

async function upscale(file) {
  model ??= await esrganModel();
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const started = performance.now();
  const output = tf.tidy(() => {
    const input = tf.tensor4d(new Float32Array(data), [1, info.height, info.width, 3]);
    return model.predict(input).clipByValue(0, 255).round().toInt();
  });
  const pixels = await output.data();
  output.dispose();
  if (pixels.length !== info.width * info.height * 12) throw new Error("unexpected upscale output size");
  return performance.now() - started;
}

async function bgremove(file) {
  const bytes = await readFile(file);
  const started = performance.now();
  const blob = await removeBackground(new Blob([bytes], { type: "image/png" }), {
    model: "small",
    output: { format: "image/png" },
  });
  if ((await blob.arrayBuffer()).byteLength === 0) throw new Error("empty background removal result");
  return performance.now() - started;
}

process.on("message", async ({ op, path: file }) => {
  try {
    const ms = op === "upscale" ? await upscale(file) : await bgremove(file);
    process.send({ op, ms });
  } catch (error) {
    process.send({ op, error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
