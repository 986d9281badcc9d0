/**
 * Piscina worker: the NSFW classifier (nsfwjs MobileNetV2 on tfjs with the WASM backend).
 *
 * Plain JS so Node loads it as is (no transpiler, no bundler). Everything is read from
 * node_modules: the .wasm binaries by file path (Emscripten reads them with fs under Node, no
 * fetch), the model topology and weights from the bundles nsfwjs ships (dist/models/mobilenet_v2).
 * The model loads once, when the thread starts, and stays warm for every later task.
 */
import "../../../system/background-thread.mjs";
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as wasmBackend from "@tensorflow/tfjs-backend-wasm";
import { load } from "nsfwjs";

const require = createRequire(import.meta.url);
const SIZE = 224;
/** Output order of the MobileNetV2 head (nsfwjs NSFW_CLASSES). */
const CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"];

function wasmFiles() {
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  const names = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];
  return Object.fromEntries(names.map((n) => [n, path.join(dir, n)]));
}

async function init() {
  wasmBackend.setWasmPaths(wasmFiles());
  if (!(await tf.setBackend("wasm"))) throw new Error("The tfjs WASM backend did not initialise.");
  await tf.ready();
  tf.enableProdMode();
  // nsfwjs announces the model it loads on console.info; keep the server log quiet.
  const info = console.info;
  console.info = () => {};
  try {
    return await load("MobileNetV2", { size: SIZE });
  } finally {
    console.info = info;
  }
}

let ready = null;

/** The warm model; loading starts with the thread. A failed load is reported by the task and retried by the next one. */
function model() {
  if (!ready) {
    ready = init();
    ready.catch(() => (ready = null));
  }
  return ready;
}
model();

/** The 224×224×3 RGB pixels as the int32 tensor nsfwjs expects (it scales to 0..1 itself). */
function toTensor(pixels) {
  if (pixels.length !== SIZE * SIZE * 3)
    throw new Error(`Expected ${SIZE}×${SIZE} RGB pixels, got ${pixels.length} bytes.`);
  return tf.tensor3d(new Int32Array(pixels), [SIZE, SIZE, 3], "int32");
}

/** The bare model call: forward pass and read-back of the five probabilities. */
async function infer(nsfw, input) {
  const logits = nsfw.infer(input);
  try {
    return await logits.data();
  } finally {
    logits.dispose();
  }
}

/**
 * Tasks:
 *  { op: "classify", pixels }     → { probabilities: { Drawing, Hentai, Neutral, Porn, Sexy }, inferMs }
 *  { op: "bench", pixels, runs }  → { inferMs: number[] } (bare inference on one tensor, for bench/checks/models.ts)
 */
export default async function task({ op, pixels, runs = 10 }) {
  const nsfw = await model();
  const input = toTensor(pixels);
  try {
    if (op === "classify") {
      const started = performance.now();
      const values = await infer(nsfw, input);
      const inferMs = performance.now() - started;
      return { probabilities: Object.fromEntries(CLASSES.map((c, i) => [c, values[i]])), inferMs };
    }
    if (op === "bench") {
      const inferMs = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await infer(nsfw, input);
        inferMs.push(performance.now() - started);
      }
      return { inferMs };
    }
    throw new Error(`Unknown NSFW worker task "${op}".`);
  } finally {
    input.dispose();
  }
}
