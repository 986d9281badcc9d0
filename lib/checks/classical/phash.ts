import type { PreparedImage } from "../types";
import { areaResize, COLOUR_GRID, colourStats, normalisedGray, type GrayPlane, type Plane } from "./derive";

const N = 32;
const K = 8;

/** The first K rows of the orthonormal 32-point DCT-II basis: BASIS[u * N + x]. */
const BASIS = (() => {
  const basis = new Float64Array(K * N);
  for (let u = 0; u < K; u++) {
    const scale = u === 0 ? Math.sqrt(1 / N) : Math.sqrt(2 / N);
    for (let x = 0; x < N; x++) basis[u * N + x] = scale * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  }
  return basis;
})();

// Keyed by the decoded plane object: the duplicate and style checks and the caller storing the hash share one computation.
const hashCache = new WeakMap<GrayPlane, string>();

/**
 * pHash of a greyscale plane as 16 hex digits (64 bits). A decoded 8-bit plane (`image.gray`) is first
 * brought to the checks' normalised ≤ 512-px copy (cached, so storing an image's hash after its checks
 * costs nothing more); the plane is then area-averaged to 32×32 and transformed by a 2-D DCT-II, and its
 * top-left 8×8 (lowest) frequencies are thresholded at the median of the 63 coefficients other than DC
 * (the DC bit is set for any non-black image). Small crops, rescaling, re-encoding and brightness
 * changes move few bits; unrelated pictures differ in about half of them.
 */
export function perceptualHash(gray: Plane): string {
  if (!(gray.data instanceof Uint8Array)) return hashOfPlane(gray);
  const decoded = gray as GrayPlane;
  let hash = hashCache.get(decoded);
  if (!hash) {
    hash = hashOfPlane(normalisedGray(decoded));
    hashCache.set(decoded, hash);
  }
  return hash;
}

/**
 * The hash of a prepared image, the value to store to compare later images with:
 * `<pHash>:<colour>` — the pHash (perceptualHash of `image.gray`), then the mean R, G, B of each cell of
 * a COLOUR_GRID × COLOUR_GRID grid (colourStats) as two hex digits each. The pHash judges layout and tones
 * only; the cells let the duplicate check tell a near-copy from a different picture of the same layout
 * (colourDifference). A hash stored before the cells existed is the bare pHash and compares as one.
 */
export function imageHash(image: PreparedImage): string {
  let colour = "";
  for (const v of colourStats(image).cells) colour += Math.min(255, Math.round(v)).toString(16).padStart(2, "0");
  return `${perceptualHash(image.gray)}:${colour}`;
}

const COLOUR_HEX = COLOUR_GRID * COLOUR_GRID * 3 * 2;

/** The pHash part of a stored hash (the whole of a bare one). */
const phashPart = (hash: string) => {
  const cut = hash.indexOf(":");
  return cut < 0 ? hash : hash.slice(0, cut);
};
/** The colour cells of a stored hash ("" for a bare pHash). */
const colourPart = (hash: string) => {
  const cut = hash.indexOf(":");
  return cut < 0 ? "" : hash.slice(cut + 1);
};

/**
 * How far apart two hashes' colours are: the mean, over the cells and the three channels, of the
 * absolute difference of each cell's chroma (its R, G, B minus the cell's mean of the three, so an
 * overall brightness change barely counts), in levels of 255. Undefined when either hash has no
 * colour cells (a bare pHash stored before they existed).
 */
export function colourDifference(a: string, b: string): number | undefined {
  const ca = colourPart(a);
  const cb = colourPart(b);
  if (ca.length !== COLOUR_HEX || cb.length !== COLOUR_HEX) return undefined;
  const level = (text: string, i: number) => parseInt(text.slice(i * 2, i * 2 + 2), 16);
  let total = 0;
  for (let cell = 0; cell < COLOUR_GRID * COLOUR_GRID; cell++) {
    const x = [0, 1, 2].map((j) => level(ca, cell * 3 + j));
    const y = [0, 1, 2].map((j) => level(cb, cell * 3 + j));
    const mx = (x[0]! + x[1]! + x[2]!) / 3;
    const my = (y[0]! + y[1]! + y[2]!) / 3;
    for (let j = 0; j < 3; j++) total += Math.abs(x[j]! - mx - (y[j]! - my));
  }
  return total / (COLOUR_GRID * COLOUR_GRID * 3);
}

function hashOfPlane(plane: Plane): string {
  const px = (plane.width === N && plane.height === N ? plane : areaResize(plane, N, N)).data;
  // Rows first: rows[y][u] = Σ_x basis[u][x] · px[y][x]; then columns: F[v][u] = Σ_y basis[v][y] · rows[y][u].
  const rows = new Float64Array(N * K);
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < K; u++) {
      let acc = 0;
      for (let x = 0; x < N; x++) acc += BASIS[u * N + x]! * px[y * N + x]!;
      rows[y * K + u] = acc;
    }
  }
  const coefficients = new Float64Array(K * K); // [v * K + u], DC first
  for (let v = 0; v < K; v++) {
    for (let u = 0; u < K; u++) {
      let acc = 0;
      for (let y = 0; y < N; y++) acc += BASIS[v * N + y]! * rows[y * K + u]!;
      coefficients[v * K + u] = acc;
    }
  }
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = ac[(ac.length - 1) / 2]!; // 63 values: the 32nd
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (coefficients[nibble * 4 + bit]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** Number of differing bits between the pHashes of two hashes (hex strings of the same length; a stored hash's colour part is left out). */
export function hammingDistance(hashA: string, hashB: string): number {
  const a = phashPart(hashA);
  const b = phashPart(hashB);
  if (a.length !== b.length || !/^[0-9a-f]*$/i.test(a) || !/^[0-9a-f]*$/i.test(b))
    throw new Error(`Cannot compare hashes "${hashA}" and "${hashB}".`);
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    for (; x; x &= x - 1) distance++;
  }
  return distance;
}
