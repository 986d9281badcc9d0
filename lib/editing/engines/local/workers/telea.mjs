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

/** Side of the grid cells the mask is scanned in when looking for its separate parts. */
const CELL = 64;

/**
 * Rectangles that hold every masked pixel, one per separate part of the mask (parts closer than a
 * grid cell share one), each grown by `margin` and clamped to the image, none overlapping.
 * Telea only reads known pixels within its radius of the hole, so inpainting each rectangle alone
 * gives the whole image's result while touching a few percent of its pixels: cv.inpaint's cost
 * otherwise grows with the whole picture (it builds distance and flag maps of every pixel).
 */
function maskBoxes(mask, width, height, margin) {
  const cols = Math.ceil(width / CELL);
  const rows = Math.ceil(height / CELL);
  // Per cell: the bounding box of its masked pixels, or none.
  const cells = new Array(cols * rows).fill(null);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const cy = Math.floor(y / CELL) * cols;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      const c = cy + Math.floor(x / CELL);
      const b = cells[c];
      if (!b) cells[c] = { x0: x, y0: y, x1: x, y1: y };
      else {
        if (x < b.x0) b.x0 = x;
        if (x > b.x1) b.x1 = x;
        b.y1 = y;
      }
    }
  }
  // Cells that touch (8 ways) form one part; its box is the union of theirs, grown by the margin.
  const seen = new Uint8Array(cells.length);
  let boxes = [];
  for (let start = 0; start < cells.length; start++) {
    if (!cells[start] || seen[start]) continue;
    const box = { ...cells[start] };
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop();
      const b = cells[c];
      box.x0 = Math.min(box.x0, b.x0);
      box.y0 = Math.min(box.y0, b.y0);
      box.x1 = Math.max(box.x1, b.x1);
      box.y1 = Math.max(box.y1, b.y1);
      const cx = c % cols;
      const cy = (c - cx) / cols;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (cells[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
    }
    boxes.push({
      x0: Math.max(0, box.x0 - margin),
      y0: Math.max(0, box.y0 - margin),
      x1: Math.min(width - 1, box.x1 + margin),
      y1: Math.min(height - 1, box.y1 + margin),
    });
  }
  // Grown boxes that overlap are merged (until none do), so no pixel is inpainted twice.
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.x0 > b.x1 || b.x0 > a.x1 || a.y0 > b.y1 || b.y0 > a.y1) continue;
        boxes[i] = { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
        boxes.splice(j, 1);
        merged = true;
        break outer;
      }
  }
  return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 }));
}

/** cv.inpaint of one 8-bit image (1 or 3 channels) under the mask, on the whole picture; returns the bytes. */
function inpaintWhole(cv, bytes, width, height, channels, mask, radius) {
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

/** The same result as inpaintWhole, inpainting only the boxes around the mask's parts; also returns the time spent in cv.inpaint. */
function inpaintBoxes(cv, bytes, width, height, channels, mask, radius, boxes) {
  const image = matOf(cv, bytes, width, height, channels === 3 ? cv.CV_8UC3 : cv.CV_8UC1);
  let inpaintMs = 0;
  try {
    for (const box of boxes) {
      const rect = new cv.Rect(box.x, box.y, box.width, box.height);
      const part = image.roi(rect);
      const partMask = mask.roi(rect);
      const filled = new cv.Mat();
      try {
        const started = performance.now();
        cv.inpaint(part, partMask, filled, radius, cv.INPAINT_TELEA);
        inpaintMs += performance.now() - started;
        filled.copyTo(part); // writes through the region into the image
      } finally {
        part.delete();
        partMask.delete();
        filled.delete();
      }
    }
    return { bytes: new Uint8Array(image.data), inpaintMs };
  } finally {
    image.delete();
  }
}

/**
 * Tasks:
 *  { op: "erase", rgb, alpha?, mask, width, height, dilatePx, radius, port? } → { rgb, alpha?, inpaintMs, boxes }
 *      mask: one byte a pixel, 255 = remove (already thresholded); it is dilated by `dilatePx` so the
 *      fill starts from clean pixels beyond the painted edge, then inpainted box by box (maskBoxes).
 *      Progress: 0.3 dilated, 0.9 inpainted.
 *  { op: "whole", …same } → { rgb, inpaintMs }: cv.inpaint alone over the whole image and the same
 *      (dilated) mask — the bare inference bench/editor.ts compares with, and the reference the
 *      tests hold the box-by-box result to.
 */
export default async function task({ op, rgb, alpha, mask, width, height, dilatePx, radius, port }) {
  try {
    if (op !== "erase" && op !== "whole") throw new Error(`Unknown inpainting worker task "${op}".`);
    if (rgb.length !== width * height * 3 || mask.length !== width * height) throw new Error(`Expected ${width}×${height} RGB pixels and mask.`);
    const { cv } = await opencv();
    const raw = matOf(cv, mask, width, height, cv.CV_8UC1);
    const dilated = new cv.Mat();
    const side = 2 * dilatePx + 1;
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(side, side));
    try {
      cv.dilate(raw, dilated, kernel);
      port?.postMessage(0.3);
      if (op === "whole") {
        const started = performance.now();
        const out = inpaintWhole(cv, rgb, width, height, 3, dilated, radius);
        return { rgb: out, inpaintMs: performance.now() - started };
      }
      // Telea reads known pixels within `radius` of the hole (and its distance map's gradient one
      // pixel further): a margin beyond that keeps every box's result the whole image's.
      const boxes = maskBoxes(dilated.data, width, height, radius + 3);
      const colour = inpaintBoxes(cv, rgb, width, height, 3, dilated, radius, boxes);
      const out = { rgb: colour.bytes, inpaintMs: colour.inpaintMs, boxes: boxes.length };
      if (alpha) out.alpha = inpaintBoxes(cv, alpha, width, height, 1, dilated, radius, boxes).bytes;
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
