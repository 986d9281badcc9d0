import type { CheckOutcome, PreparedImage } from "../types";

/** A greyscale plane: 8-bit from the decode, or floating point after a resample. */
export type Plane = { data: ArrayLike<number>; width: number; height: number };
export type FloatPlane = { data: Float32Array; width: number; height: number };

/** Long side, in pixels, of the copy the size-dependent measures (sharpness, pHash) work on. */
export const NORMALISED_SIDE = 512;

/**
 * Area-average resample (each output pixel is the mean of the source area it covers), separable:
 * rows first, then columns. Exact box downsampling for any ratio; upsampling repeats pixels.
 */
export function areaResize(src: Plane, width: number, height: number): FloatPlane {
  const horizontal = axisWeights(src.width, width);
  const vertical = axisWeights(src.height, height);
  const s = src.data;
  const rows = new Float32Array(src.height * width);
  const { start: hs, count: hc, weight: hw, offset: ho } = horizontal;
  for (let y = 0; y < src.height; y++) {
    const base = y * src.width;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      const first = base + hs[x]!;
      const w0 = ho[x]!;
      for (let k = 0, n = hc[x]!; k < n; k++) acc += s[first + k]! * hw[w0 + k]!;
      rows[out + x] = acc;
    }
  }
  const result = new Float32Array(width * height);
  const { start: vs, count: vc, weight: vw, offset: vo } = vertical;
  for (let y = 0; y < height; y++) {
    const out = y * width;
    for (let k = 0, n = vc[y]!; k < n; k++) {
      const w = vw[vo[y]! + k]!;
      const row = (vs[y]! + k) * width;
      for (let x = 0; x < width; x++) result[out + x]! += rows[row + x]! * w;
    }
  }
  return { data: result, width, height };
}

/** For each output position along one axis: the first source index, how many contribute, and their weights (summing to 1). */
function axisWeights(from: number, to: number) {
  const scale = from / to;
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const offset = new Int32Array(to);
  const weights: number[] = [];
  for (let i = 0; i < to; i++) {
    const lo = i * scale;
    const hi = Math.min(from, (i + 1) * scale);
    const first = Math.min(from - 1, Math.floor(lo));
    const last = Math.max(first, Math.min(from - 1, Math.ceil(hi) - 1));
    start[i] = first;
    count[i] = last - first + 1;
    offset[i] = weights.length;
    const span = Math.max(hi - lo, 1e-9);
    for (let j = first; j <= last; j++)
      weights.push(scale <= 1 ? (j === first ? 1 : 0) : (Math.min(hi, j + 1) - Math.max(lo, j)) / span);
  }
  return { start, count, offset, weight: Float32Array.from(weights) };
}

/** Size of `width`×`height` scaled so its long side is at most `side` (never enlarged). */
export function fitInside(width: number, height: number, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Box average by an integer factor `k` (the output drops the last partial block). Tight loops for
 * the common cases: k = 1 is a float copy, k = 2 averages 2×2 blocks (1024 → 512).
 */
export function boxDownsample(src: { data: Uint8Array; width: number; height: number }, k: number): FloatPlane {
  const width = Math.floor(src.width / k);
  const height = Math.floor(src.height / k);
  const d = src.data;
  const stride = src.width;
  const out = new Float32Array(width * height);
  if (k === 1) {
    for (let y = 0; y < height; y++)
      for (let x = 0, i = y * stride, o = y * width; x < width; x++) out[o + x] = d[i + x]!;
  } else if (k === 2 && stride % 4 === 0 && d.byteOffset % 4 === 0) {
    // SWAR: one 32-bit word holds 4 pixels; masking out alternate bytes adds two pixel pairs at once.
    const words = new Uint32Array(d.buffer, d.byteOffset, (stride * src.height) >> 2);
    const rowWords = stride >> 2;
    for (let y = 0; y < height; y++) {
      let a = 2 * y * rowWords;
      let b = a + rowWords;
      for (let o = y * width, end = o + width - 1; o < end; o += 2, a++, b++) {
        const p = words[a]!;
        const q = words[b]!;
        const sums = (p & 0xff00ff) + ((p >>> 8) & 0xff00ff) + (q & 0xff00ff) + ((q >>> 8) & 0xff00ff);
        out[o] = (sums & 0xffff) * 0.25;
        out[o + 1] = (sums >>> 16) * 0.25;
      }
    }
  } else if (k === 2) {
    for (let y = 0; y < height; y++) {
      let a = 2 * y * stride;
      let b = a + stride;
      for (let o = y * width, end = o + width; o < end; o++, a += 2, b += 2)
        out[o] = (d[a]! + d[a + 1]! + d[b]! + d[b + 1]!) * 0.25;
    }
  } else {
    const scale = 1 / (k * k);
    for (let y = 0; y < height; y++) {
      const o = y * width;
      for (let r = 0; r < k; r++) {
        let i = (y * k + r) * stride;
        for (let x = 0; x < width; x++) {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += d[i++]!;
          out[o + x]! += sum;
        }
      }
      for (let x = 0; x < width; x++) out[o + x]! *= scale;
    }
  }
  return { data: out, width, height };
}

export type GrayPlane = PreparedImage["gray"];

/**
 * For a check that judges pixels (exposure, focus): a warning when the image is almost all
 * transparent (opaque share under MIN_OPAQUE_SHARE), so there is too little picture to judge; null
 * otherwise. The blank check fails such an image.
 */
export function tooTransparentToJudge(image: PreparedImage, what: string): CheckOutcome | null {
  const { opaqueShare } = normalisedStats(image);
  if (opaqueShare >= MIN_OPAQUE_SHARE) return null;
  return {
    verdict: "warn",
    score: opaqueShare,
    threshold: MIN_OPAQUE_SHARE,
    detail: `Only ${(opaqueShare * 100).toFixed(1)} % of the image is opaque (under ${MIN_OPAQUE_SHARE * 100} %): too little to judge ${what}, so a person decides.`,
    reasonCode: "mostly_transparent",
  };
}

// Keyed by the decoded plane object, so a caller holding only `image.gray` (e.g. to store its pHash) shares the work.
const normalisedCache = new WeakMap<GrayPlane, FloatPlane>();
const statsCache = new WeakMap<GrayPlane, PlaneStats>();

/** The normalised copy of a prepared image's greyscale plane (see normalisedGray). */
export function normalised(image: PreparedImage): FloatPlane {
  return normalisedGray(image.gray);
}

/**
 * A decoded greyscale plane area-averaged to at most NORMALISED_SIDE on its long side (cached per
 * plane): an integer box average first (one fast pass over the full resolution), then an exact area
 * resample of the remainder when the ratio is not a whole number.
 */
export function normalisedGray(gray: GrayPlane): FloatPlane {
  let plane = normalisedCache.get(gray);
  if (!plane) {
    const target = fitInside(gray.width, gray.height, NORMALISED_SIDE);
    const k = Math.max(1, Math.floor(Math.min(gray.width / target.width, gray.height / target.height)));
    plane = boxDownsample(gray, k);
    if (plane.width !== target.width || plane.height !== target.height)
      plane = areaResize(plane, target.width, target.height);
    normalisedCache.set(gray, plane);
  }
  return plane;
}

export type PlaneStats = {
  /** 256-bin grey-level histogram (values rounded to the nearest level); opaque pixels only when the image has alpha. */
  histogram: Uint32Array;
  /** Variance of the 4-neighbour Laplacian over the interior pixels (with alpha: where the pixel and its 4 neighbours are opaque). */
  laplacianVariance: number;
  /**
   * Focus of the sharpest part: the FOCUS_PERCENTILE of the per-tile Laplacian variances over a grid
   * of FOCUS_TILE-px tiles (see focusOfTiles). A sharp subject on a soft or flat background scores
   * like the subject; a blur lowers every tile.
   */
  focus: number;
  /** Share of the (normalised) pixels that are opaque: 1 without alpha. */
  opaqueShare: number;
};

/** A normalised pixel counts as opaque when its alpha is at least this (its source area ≥ 98 % opaque): anti-aliased cut-out edges, blended with the white flattening, are left out. */
export const OPAQUE_MIN = 250;

/**
 * Below this opaque share there is too little picture to judge exposure or focus from: those checks
 * warn (a person decides) and the blank check fails it as an empty cut-out.
 */
export const MIN_OPAQUE_SHARE = 0.01;

/** Side, in pixels of the normalised copy, of the square tiles the focus measure compares. */
export const FOCUS_TILE = 32;
/**
 * Which tile's Laplacian variance is the focus score: the 93rd percentile, i.e. the sharpest 7 % of
 * the tiles (about 18 of a 512×512 image's 256) decide, so a subject covering a small part of the frame
 * is judged on its own detail, while one stray sharp patch (a logo, text) in a blurred picture is not enough.
 */
export const FOCUS_PERCENTILE = 0.93;

/** Per-tile sums of the Laplacian over a plane's interior: sum, sum of squares and count, FOCUS_TILE-px tiles from the interior's top-left. */
type TileSums = { sum: Float64Array; sumSq: Float64Array; count: Float64Array };

function tileSums(w: number, h: number): TileSums & { across: number } {
  const across = Math.max(1, Math.ceil((w - 2) / FOCUS_TILE));
  const down = Math.max(1, Math.ceil((h - 2) / FOCUS_TILE));
  const n = across * down;
  return { across, sum: new Float64Array(n), sumSq: new Float64Array(n), count: new Float64Array(n) };
}

/**
 * The FOCUS_PERCENTILE of the tiles' Laplacian variances (linear interpolation between ranks), over the
 * tiles at least half covered by measured pixels (edge tiles of an odd size, the opaque part of a
 * cut-out); `fallback` (the whole plane's variance) when no tile is.
 */
export function focusOfTiles(tiles: TileSums, fallback: number): number {
  const variances: number[] = [];
  const half = (FOCUS_TILE * FOCUS_TILE) / 2;
  for (let t = 0; t < tiles.count.length; t++) {
    const n = tiles.count[t]!;
    if (n < half) continue;
    const mean = tiles.sum[t]! / n;
    variances.push(Math.max(0, tiles.sumSq[t]! / n - mean * mean));
  }
  if (variances.length === 0) return fallback;
  variances.sort((a, b) => a - b);
  const at = FOCUS_PERCENTILE * (variances.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(variances.length - 1, lo + 1);
  return variances[lo]! + (variances[hi]! - variances[lo]!) * (at - lo);
}

/** Histogram, Laplacian variance and tile focus of a plane in one pass (all read every pixel). */
export function planeStats(plane: FloatPlane): PlaneStats {
  const { data: d, width: w, height: h } = plane;
  const bins = new Uint32Array(256);
  const tiles = tileSums(w, h);
  let sum = 0;
  let sumSq = 0;
  if (w >= 3 && h >= 3) {
    for (let y = 1; y < h - 1; y++) {
      let i = y * w + 1;
      let left = d[i - 1]!;
      let mid = d[i]!;
      const row = (((y - 1) / FOCUS_TILE) | 0) * tiles.across;
      // One tile-wide run at a time: the run's sums stay in locals and go to its tile once.
      for (let x = 1, t = row; x < w - 1; t++) {
        let s = 0;
        let q = 0;
        const run = Math.min(FOCUS_TILE, w - 1 - x);
        const end = i + run;
        x += run;
        for (; i < end; i++) {
          const right = d[i + 1]!;
          const lap = left + right + d[i - w]! + d[i + w]! - 4 * mid;
          s += lap;
          q += lap * lap;
          bins[(mid + 0.5) | 0]!++;
          left = mid;
          mid = right;
        }
        tiles.sum[t]! += s;
        tiles.sumSq[t]! += q;
        tiles.count[t]! += run;
        sum += s;
        sumSq += q;
      }
    }
    // The border the Laplacian skips still belongs in the histogram.
    for (let x = 0; x < w; x++) {
      bins[(d[x]! + 0.5) | 0]!++;
      bins[(d[(h - 1) * w + x]! + 0.5) | 0]!++;
    }
    for (let y = 1; y < h - 1; y++) {
      bins[(d[y * w]! + 0.5) | 0]!++;
      bins[(d[y * w + w - 1]! + 0.5) | 0]!++;
    }
  } else {
    for (let i = 0; i < d.length; i++) bins[(d[i]! + 0.5) | 0]!++;
  }
  const n = Math.max(1, (w - 2) * (h - 2));
  const mean = sum / n;
  const laplacianVariance = w >= 3 && h >= 3 ? sumSq / n - mean * mean : 0;
  return { histogram: bins, laplacianVariance, focus: focusOfTiles(tiles, laplacianVariance), opaqueShare: 1 };
}

/**
 * planeStats over the opaque part of a plane only (`alpha`: the same size, 0 = transparent): the
 * histogram counts opaque pixels, the Laplacian (and so each focus tile) only where a pixel and its 4
 * neighbours are opaque (so the edge of a cut-out against the white flattening is not taken for detail).
 */
export function maskedPlaneStats(plane: FloatPlane, alpha: Plane): PlaneStats {
  const { data: d, width: w, height: h } = plane;
  const a = alpha.data;
  const bins = new Uint32Array(256);
  let opaque = 0;
  for (let i = 0; i < d.length; i++) {
    if (a[i]! < OPAQUE_MIN) continue;
    bins[(d[i]! + 0.5) | 0]!++;
    opaque++;
  }
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  const tiles = tileSums(w, h);
  for (let y = 1; y < h - 1; y++) {
    const row = (((y - 1) / FOCUS_TILE) | 0) * tiles.across;
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      if (a[i]! < OPAQUE_MIN || a[i - 1]! < OPAQUE_MIN || a[i + 1]! < OPAQUE_MIN) continue;
      if (a[i - w]! < OPAQUE_MIN || a[i + w]! < OPAQUE_MIN) continue;
      const lap = d[i - 1]! + d[i + 1]! + d[i - w]! + d[i + w]! - 4 * d[i]!;
      const t = row + (((x - 1) / FOCUS_TILE) | 0);
      tiles.sum[t]! += lap;
      tiles.sumSq[t]! += lap * lap;
      tiles.count[t]!++;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = n ? sum / n : 0;
  const laplacianVariance = n ? sumSq / n - mean * mean : 0;
  return {
    histogram: bins,
    laplacianVariance,
    focus: focusOfTiles(tiles, laplacianVariance),
    opaqueShare: d.length ? opaque / d.length : 0,
  };
}

/**
 * Histogram, Laplacian variance and tile focus of the normalised (≤ 512 px) copy, cached per image; for an image
 * with transparency, of its opaque part only (maskedPlaneStats). At that size
 * the pass is short and the shares (clipped pixels, dominant level) do not depend on the output
 * resolution; a clipped region has to be a couple of source pixels wide to count.
 */
export function normalisedStats(image: PreparedImage): PlaneStats {
  let stats = statsCache.get(image.gray);
  if (!stats) {
    const { alpha, gray } = image;
    stats = alpha
      ? maskedPlaneStats(normalised(image), normalisedGray({ data: alpha, width: gray.width, height: gray.height }))
      : planeStats(normalised(image));
    statsCache.set(image.gray, stats);
  }
  return stats;
}

/** Mean and standard deviation of the grey levels, from the histogram. */
export function histogramStats(bins: Uint32Array): { n: number; mean: number; std: number } {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let v = 0; v < 256; v++) {
    const c = bins[v]!;
    n += c;
    sum += c * v;
    sumSq += c * v * v;
  }
  const mean = n ? sum / n : 0;
  return { n, mean, std: n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0 };
}

/** Side of the grid of colour cells a prepared image's hash carries (COLOUR_GRID² cells, mean R, G, B each). */
export const COLOUR_GRID = 4;

export type ColourStats = {
  /** Histogram of each opaque pixel's brightest colour channel (max of R, G, B). */
  brightest: Uint32Array;
  /** Histogram of each opaque pixel's darkest colour channel (min of R, G, B). */
  darkest: Uint32Array;
  /** Mean R, G, B (0–255) of each cell of a COLOUR_GRID × COLOUR_GRID grid over the whole (flattened) image, row by row. */
  cells: Float64Array;
};

const colourCache = new WeakMap<GrayPlane, ColourStats>();

/** About this many pixels are read for the colour statistics (a 128×128 grid): a share is known to ±0.4 % at that count, and 1 % tails hold 160 pixels. */
const COLOUR_SAMPLES = 128 * 128;

/**
 * Colour statistics of a prepared image, cached per image: the brightest- and darkest-channel
 * histograms of its opaque pixels (luma alone misreads saturated colour: a red blown out to 255 has a
 * luma of 76, so it is neither "clipped" nor "bright" in the grey histogram) and the mean colour of a
 * coarse grid of cells (stored with the image's pHash, so a near-duplicate must have the same colours
 * too). One read of the full-resolution colour plane on a regular grid of about COLOUR_SAMPLES pixels
 * (every pixel of a small image), so the cost does not grow with the resolution. A grey image has one
 * channel: both histograms are its grey-level histogram (normalisedStats), the cells grey.
 */
export function colourStats(image: PreparedImage): ColourStats {
  let found = colourCache.get(image.gray);
  if (found) return found;
  const G = COLOUR_GRID;
  const cells = new Float64Array(G * G * 3);
  const counts = new Float64Array(G * G);
  const plane = image.rgb ?? image.gray;
  const { data: d, width: w, height: h } = plane;
  const channels = image.rgb ? 3 : 1;
  const k = Math.max(1, Math.floor(Math.sqrt((w * h) / COLOUR_SAMPLES)));
  const a = image.alpha;
  const brightest = new Uint32Array(256);
  const darkest = new Uint32Array(256);
  const cellOfColumn = new Int32Array(w);
  for (let x = 0; x < w; x++) cellOfColumn[x] = Math.floor((x * G) / w);
  for (let y = 0; y < h; y += k) {
    const row = Math.floor((y * G) / h) * G;
    for (let x = 0, p = y * w; x < w; x += k, p += k) {
      const c = row + cellOfColumn[x]!;
      counts[c]!++;
      if (channels === 1) {
        const v = d[p]!;
        cells[c * 3]! += v;
        continue;
      }
      const i = p * 3;
      const r = d[i]!;
      const g = d[i + 1]!;
      const b = d[i + 2]!;
      cells[c * 3]! += r;
      cells[c * 3 + 1]! += g;
      cells[c * 3 + 2]! += b;
      if (a && a[p]! < OPAQUE_MIN) continue;
      let hi = r;
      let lo = r;
      if (g > hi) hi = g;
      else if (g < lo) lo = g;
      if (b > hi) hi = b;
      else if (b < lo) lo = b;
      brightest[hi]!++;
      darkest[lo]!++;
    }
  }
  for (let c = 0; c < G * G; c++) {
    const n = Math.max(1, counts[c]!);
    if (channels === 1) cells[c * 3] = cells[c * 3 + 1] = cells[c * 3 + 2] = cells[c * 3]! / n;
    else for (let j = 0; j < 3; j++) cells[c * 3 + j] = cells[c * 3 + j]! / n;
  }
  if (channels === 1) {
    const { histogram } = normalisedStats(image);
    found = { brightest: histogram, darkest: histogram, cells };
  } else found = { brightest, darkest, cells };
  colourCache.set(image.gray, found);
  return found;
}
