/**
 * Piscina worker: OpenCV's Telea inpainting (@techstark/opencv-js, OpenCV 4.5 compiled to wasm;
 * the binary is inlined in the package's opencv.js, nothing is fetched). Plain JS so Node loads it
 * as is. The runtime initialises once per thread.
 *
 * Telea's fast-marching method fills the masked pixels from their boundary inwards with a weighted
 * average of the known pixels within `radius`: right for blemishes, specks and thin lines; a large
 * area comes out as a smear, which is why the engine refuses large masks before calling this.
 */
import "../../../../system/background-thread.mjs";
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

/** cv.inpaint of one 8-bit image (1 or 3 channels, a whole picture or a box cut from one) under the mask; returns the bytes. */
function inpaintImage(cv, bytes, width, height, channels, mask, radius) {
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
 *  { op: "boxes", parts: [{ rgb, alpha?, mask, width, height }], dilatePx, radius, port? }
 *      → { parts: [{ rgb, alpha? }], inpaintMs }
 *      Each part is a box cut from the image around one part of the mask (mask-boxes.ts), inpainted
 *      on its own: its mask (one byte a pixel, 255 = remove, thresholded) is dilated by `dilatePx`
 *      so the fill starts from clean pixels beyond the painted edge, then Telea fills it. Progress:
 *      the share of the parts' pixels done.
 *  { op: "whole", rgb, mask, width, height, dilatePx, radius } → { rgb, inpaintMs }: cv.inpaint alone
 *      over the whole image and the same dilated mask — the bare inference bench/editor.ts compares
 *      with, and the reference the tests hold the box-by-box result to.
 */
export default async function task({ op, parts, rgb, mask, width, height, dilatePx, radius, port }) {
  try {
    if (op !== "boxes" && op !== "whole") throw new Error(`Unknown inpainting worker task "${op}".`);
    const { cv } = await opencv();
    const side = 2 * dilatePx + 1;
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(side, side));
    try {
      const dilatedOf = (bytes, w, h) => {
        const raw = matOf(cv, bytes, w, h, cv.CV_8UC1);
        const dilated = new cv.Mat();
        try {
          cv.dilate(raw, dilated, kernel);
          return dilated;
        } finally {
          raw.delete();
        }
      };
      if (op === "whole") {
        if (rgb.length !== width * height * 3 || mask.length !== width * height)
          throw new Error(`Expected ${width}×${height} RGB pixels and mask.`);
        const dilated = dilatedOf(mask, width, height);
        try {
          const started = performance.now();
          const out = inpaintImage(cv, rgb, width, height, 3, dilated, radius);
          return { rgb: out, inpaintMs: performance.now() - started };
        } finally {
          dilated.delete();
        }
      }
      const total = parts.reduce((sum, p) => sum + p.width * p.height, 0);
      let done = 0;
      let inpaintMs = 0;
      const out = [];
      for (const part of parts) {
        const { width: w, height: h } = part;
        if (part.rgb.length !== w * h * 3 || part.mask.length !== w * h)
          throw new Error(`Expected ${w}×${h} RGB pixels and mask.`);
        const dilated = dilatedOf(part.mask, w, h);
        try {
          const started = performance.now();
          const filled = { rgb: inpaintImage(cv, part.rgb, w, h, 3, dilated, radius) };
          if (part.alpha) filled.alpha = inpaintImage(cv, part.alpha, w, h, 1, dilated, radius);
          inpaintMs += performance.now() - started;
          out.push(filled);
        } finally {
          dilated.delete();
        }
        done += w * h;
        port?.postMessage(done / total);
      }
      return { parts: out, inpaintMs };
    } finally {
      kernel.delete();
    }
  } finally {
    port?.close();
  }
}
