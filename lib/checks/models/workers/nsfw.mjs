/**
 * Piscina worker: the NSFW classifier, NSFWJS's MobileNetV2 run by onnxruntime's native CPU kernels
 * (decision 0032). The nsfwjs package ships the network as a TensorFlow.js Keras model; it is
 * rewritten as an ONNX model in memory when the thread starts (lib/system/keras-to-onnx.mjs), so the weights
 * and the arithmetic are NSFWJS's own (the probabilities match tfjs's to about 1e-6,
 * lib/checks/models/nsfw-onnx.test.ts) at about a tenth of the WASM backend's CPU time.
 *
 * Plain JS so Node loads it as is (no transpiler, no bundler). Nothing is fetched. The model loads
 * once, when the thread starts, and stays warm for every later task.
 */
import "../../../system/background-thread.mjs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { decodeWeights, kerasToOnnx } from "../../../system/keras-to-onnx.mjs";

const requireFromRoot = createRequire(path.join(process.cwd(), "package.json"));

const SIZE = 224;
/** Output order of the MobileNetV2 head (nsfwjs NSFW_CLASSES). */
const CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"];

/**
 * One intra-op thread: the pool runs one task at a time on this thread, and the checks already run
 * beside the rest of the pipeline on a small machine; inference on the calling thread keeps its
 * nice level and thread name (background-thread.mjs).
 */
export const SESSION_OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
};

/** NSFWJS's MobileNetV2 (224×224) from the nsfwjs package, as ONNX bytes. */
export function nsfwMobileNetV2Onnx() {
  // The package's bundles, by file (its exports map offers them only through a lazy loader).
  const dir = path.join(path.dirname(requireFromRoot.resolve("nsfwjs")), "../models/mobilenet_v2");
  const { modelTopology, weightsManifest } = requireFromRoot(path.join(dir, "model.min.js"));
  const shards = weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => Buffer.from(requireFromRoot(path.join(dir, `${p}.min.js`)), "base64"));
  return kerasToOnnx(modelTopology, decodeWeights(weightsManifest, Buffer.concat(shards)));
}

let ready = null;

/** The warm session; loading starts with the thread. A failed load is reported by the task and retried by the next one. */
function model() {
  if (!ready) {
    ready = ort.InferenceSession.create(nsfwMobileNetV2Onnx(), SESSION_OPTIONS);
    ready.catch(() => (ready = null));
  }
  return ready;
}
model();

/**
 * The 224×224×3 RGB bytes as the network's input: channels first, each value ÷ 255, as nsfwjs
 * scales them before its model sees them.
 */
function toTensor(pixels) {
  const plane = SIZE * SIZE;
  if (pixels.length !== plane * 3) throw new Error(`Expected ${SIZE}×${SIZE} RGB pixels, got ${pixels.length} bytes.`);
  const chw = new Float32Array(plane * 3);
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    chw[i] = pixels[p] / 255;
    chw[plane + i] = pixels[p + 1] / 255;
    chw[2 * plane + i] = pixels[p + 2] / 255;
  }
  return new ort.Tensor("float32", chw, [1, 3, SIZE, SIZE]);
}

/** The bare model call: forward pass and read-back of the five probabilities. */
async function infer(session, input) {
  const { output } = await session.run({ input });
  return output.data;
}

/**
 * Tasks:
 *  { op: "classify", pixels }     → { probabilities: { Drawing, Hentai, Neutral, Porn, Sexy }, inferMs }
 *  { op: "bench", pixels, runs }  → { inferMs: number[] } (bare inference on one tensor, for bench/checks/models.ts)
 */
export default async function task({ op, pixels, runs = 10 }) {
  const session = await model();
  const input = toTensor(pixels);
  if (op === "classify") {
    const started = performance.now();
    const values = await infer(session, input);
    const inferMs = performance.now() - started;
    return { probabilities: Object.fromEntries(CLASSES.map((c, i) => [c, values[i]])), inferMs };
  }
  if (op === "bench") {
    const inferMs = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await infer(session, input);
      inferMs.push(performance.now() - started);
    }
    return { inferMs };
  }
  throw new Error(`Unknown NSFW worker task "${op}".`);
}
