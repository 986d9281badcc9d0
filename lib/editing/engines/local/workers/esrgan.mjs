/**
 * Piscina worker: ESRGAN upscaling (@upscalerjs/esrgan-slim, an RDN "slim" network) on tfjs with
 * the WASM backend. Plain JS so Node loads it as is. Everything comes from node_modules: the .wasm
 * binaries by file path, the model topology and weights from the package's models/x2 and models/x4
 * folders (read with fs and handed to tf.io.fromMemory; nothing is fetched). Each model loads once
 * per thread, on first use, and stays warm.
 *
 * The image is processed in tiles so memory stays bounded and progress can be reported: each tile is
 * cut with PAD extra pixels of real context on every side that lies inside the image, run through the
 * network, and the scaled padding is cropped away. The network's receptive field is 10 low-resolution
 * pixels (eight 3×3 convolutions and one 5×5 before the up-sampling, one 3×3 after it), so with
 * PAD ≥ 10 every kept output pixel sees exactly the context it would see in a whole-image pass:
 * tile borders leave no seam. The model's input and output range is 0..255 (the package's
 * getESRGANModelDefinition gives inputRange/outputRange [0, 255] for the RDN architecture).
 */
import "../../../../system/background-thread.mjs";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as wasmBackend from "@tensorflow/tfjs-backend-wasm";

const require = createRequire(path.join(process.cwd(), "package.json"));
/** Low-resolution pixels of real context kept around each tile (receptive radius 10, plus margin). */
export const PAD = 12;
/** At most this many low-resolution pixels a tile side: ~20 MB a 64-channel activation, 1.2× padding work. */
export const DEFAULT_TILE = 256;

function wasmFiles() {
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  const names = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];
  return Object.fromEntries(names.map((n) => [n, path.join(dir, n)]));
}

let backend = null;
function ready() {
  if (!backend) {
    backend = (async () => {
      wasmBackend.setWasmPaths(wasmFiles());
      if (!(await tf.setBackend("wasm"))) throw new Error("The tfjs WASM backend did not initialise.");
      await tf.ready();
      tf.enableProdMode();
    })();
    backend.catch(() => (backend = null));
  }
  return backend;
}

/** An installed package's folder (this one's exports map hides package.json, so walk up from its entry). */
function packageRoot(name) {
  let dir = path.dirname(require.resolve(name));
  while (path.basename(path.dirname(dir)) + "/" + path.basename(dir) !== name && path.dirname(dir) !== dir)
    dir = path.dirname(dir);
  return dir;
}

const models = new Map();

/** The layers model of one scale, read from the package's files (topology + one weight shard). */
async function loadModel(scale) {
  const dir = path.join(packageRoot("@upscalerjs/esrgan-slim"), "models", `x${scale}`);
  const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8"));
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))),
  );
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

function model(scale) {
  let loading = models.get(scale);
  if (!loading) {
    loading = ready().then(() => loadModel(scale));
    loading.catch(() => models.delete(scale));
    models.set(scale, loading);
  }
  return loading;
}

/**
 * The tiles covering rows [rowStart, rowEnd) of a width×height image: each with the kept rectangle
 * (x, y, w, h) and the padded one fed to the model (px, py, pw, ph). Tiles are at most `tile` pixels
 * a side, split evenly (1024 px at 256 → four tiles of 256, not 256·3 + a sliver), so little work
 * goes into padding. Bands of rows cut at multiples of the tile height tile the same way as the whole.
 */
export function tilesOf(width, height, tile, rowStart = 0, rowEnd = height, pad = PAD) {
  const across = Math.ceil(width / tile);
  const tileW = Math.ceil(width / across);
  const out = [];
  for (let y = rowStart; y < rowEnd; y += tile) {
    for (let x = 0; x < width; x += tileW) {
      const w = Math.min(tileW, width - x);
      const h = Math.min(tile, rowEnd - y);
      const px = Math.max(0, x - pad);
      const py = Math.max(0, y - pad);
      const pw = Math.min(width, x + w + pad) - px;
      const ph = Math.min(height, y + h + pad) - py;
      out.push({ x, y, w, h, px, py, pw, ph });
    }
  }
  return out;
}

/** The padded tile's RGB bytes as a float32 [1, ph, pw, 3] tensor in 0..255. */
function tileTensor(pixels, width, t) {
  const data = new Float32Array(t.pw * t.ph * 3);
  for (let row = 0; row < t.ph; row++) {
    const from = ((t.py + row) * width + t.px) * 3;
    const src = pixels.subarray(from, from + t.pw * 3);
    data.set(src, row * t.pw * 3);
  }
  return tf.tensor4d(data, [1, t.ph, t.pw, 3]);
}

/** The bare model call: forward pass and read-back of the scaled tile. */
async function predict(net, input) {
  const output = net.predict(input);
  try {
    return await output.data();
  } finally {
    output.dispose();
  }
}

/** Copies the kept part of a scaled tile's output into the result, clamped and rounded to bytes. */
function place(result, outWidth, scale, t, values, rowStart) {
  const tileWidth = t.pw * scale;
  const offX = (t.x - t.px) * scale;
  const offY = (t.y - t.py) * scale;
  const w = t.w * scale;
  const h = t.h * scale;
  for (let row = 0; row < h; row++) {
    let src = ((offY + row) * tileWidth + offX) * 3;
    let dst = (((t.y - rowStart) * scale + row) * outWidth + t.x * scale) * 3;
    for (let i = 0; i < w * 3; i++) {
      const v = values[src++];
      result[dst++] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
}

/**
 * Tasks (pixels: the whole image's RGB bytes, width × height × 3):
 *  { op: "upscale", pixels, width, height, scale, tile, pad, rowStart?, rowEnd?, port? }
 *      → { pixels, width, rows, inferMs, tiles }: the scaled rows [rowStart, rowEnd) (a band, so a
 *      caller can split one image over several threads); after each tile the fraction of this band
 *      done is posted on `port`.
 *  { op: "bench", …same } → { inferMs }: the bare forward passes over the same tiles (input tensors
 *      built beforehand, outputs read back, nothing placed).
 */
export default async function task({
  op,
  pixels,
  width,
  height,
  scale,
  tile = DEFAULT_TILE,
  pad = PAD,
  rowStart = 0,
  rowEnd = height,
  port,
}) {
  try {
    if (scale !== 2 && scale !== 4) throw new Error(`ESRGAN scales by 2 or 4, not ${scale}.`);
    if (pixels.length !== width * height * 3)
      throw new Error(`Expected ${width}×${height} RGB pixels, got ${pixels.length} bytes.`);
    const net = await model(scale);
    const tiles = tilesOf(width, height, tile, rowStart, rowEnd, pad);
    if (op === "bench") {
      let inferMs = 0;
      for (const t of tiles) {
        const input = tileTensor(pixels, width, t);
        const started = performance.now();
        await predict(net, input).finally(() => input.dispose());
        inferMs += performance.now() - started;
      }
      return { inferMs };
    }
    if (op !== "upscale") throw new Error(`Unknown ESRGAN worker task "${op}".`);
    const outWidth = width * scale;
    const result = new Uint8Array(outWidth * (rowEnd - rowStart) * scale * 3);
    let inferMs = 0;
    for (let i = 0; i < tiles.length; i++) {
      const input = tileTensor(pixels, width, tiles[i]);
      const started = performance.now();
      const values = await predict(net, input).finally(() => input.dispose());
      inferMs += performance.now() - started;
      place(result, outWidth, scale, tiles[i], values, rowStart);
      port?.postMessage((i + 1) / tiles.length);
    }
    return { pixels: result, width: outWidth, rows: (rowEnd - rowStart) * scale, inferMs, tiles: tiles.length };
  } finally {
    port?.close();
  }
}
