/**
 * Piscina worker: OpenCV's Telea inpainting (@techstark/opencv-js, OpenCV 4.5 compiled to wasm;
 * the binary is inlined in the package's opencv.js, nothing is fetched). Plain JS so Node loads it
 * as is. The runtime initialises once per thread.
 *
 * Telea's fast-marching method fills the masked pixels from their boundary inwards with a weighted
 * average of the known pixels within `radius`: right for blemishes, specks and thin lines; a large
 * area comes out as a smear, which is why the engine refuses large masks before calling this.
 */
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "package.json"));

let ready = null;

/** The initialised OpenCV module, wrapped (the module object has a `then` and must not be awaited itself). */
function opencv() {
  if (!ready) {
    ready = new Promise((resolve, reject) => {
      const cv = require("@techstark/opencv-js");
      if (cv.Mat) return resolve({ cv });
      const timer = setTimeout(() => reject(new Error("OpenCV's runtime did not initialise within 60 s.")), 60_000);
      cv.onRuntimeInitialized = () => {
        clearTimeout(timer);
        resolve({ cv });
      };
    });
    ready.catch(() => (ready = null));
  }
  return ready;
}

function matOf(cv, bytes, width, height, type) {
  const mat = new cv.Mat(height, width, type);
  mat.data.set(bytes);
  return mat;
}

/** Inpaints one 8-bit image (1 or 3 channels) under the mask; returns the bytes. */
function inpaint(cv, bytes, width, height, channels, mask, radius) {
  const src = matOf(cv, bytes, width, height, channels === 3 ? cv.CV_8UC3 : cv.CV_8UC1);
  const dst = new cv.Mat();
  try {
    cv.inpaint(src, mask, dst, radius, cv.INPAINT_TELEA);
    return new Uint8Array(dst.data);
  } finally {
    src.delete();
    dst.delete();
  }
}

/**
 * Tasks:
 *  { op: "erase", rgb, alpha?, mask, width, height, dilatePx, radius, port? } → { rgb, alpha? }
 *      mask: one byte a pixel, 255 = remove (already thresholded); it is dilated by `dilatePx` so the
 *      fill starts from clean pixels beyond the painted edge. Progress: 0.3 dilated, 0.9 inpainted.
 *  { op: "bench", …same } → { inpaintMs }: cv.inpaint alone on the same (dilated) mask, for bench/editor.ts.
 */
export default async function task({ op, rgb, alpha, mask, width, height, dilatePx, radius, port }) {
  try {
    if (op !== "erase" && op !== "bench") throw new Error(`Unknown inpainting worker task "${op}".`);
    if (rgb.length !== width * height * 3 || mask.length !== width * height) throw new Error(`Expected ${width}×${height} RGB pixels and mask.`);
    const { cv } = await opencv();
    const raw = matOf(cv, mask, width, height, cv.CV_8UC1);
    const dilated = new cv.Mat();
    const side = 2 * dilatePx + 1;
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(side, side));
    try {
      cv.dilate(raw, dilated, kernel);
      port?.postMessage(0.3);
      if (op === "bench") {
        const started = performance.now();
        inpaint(cv, rgb, width, height, 3, dilated, radius);
        return { inpaintMs: performance.now() - started };
      }
      const out = { rgb: inpaint(cv, rgb, width, height, 3, dilated, radius) };
      if (alpha) out.alpha = inpaint(cv, alpha, width, height, 1, dilated, radius);
      port?.postMessage(0.9);
      return out;
    } finally {
      raw.delete();
      dilated.delete();
      kernel.delete();
    }
  } finally {
    port?.close();
  }
}
