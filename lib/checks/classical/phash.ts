import type { PreparedImage } from "../types";
import { areaResize, normalised, type Plane } from "./derive";

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

/**
 * pHash of a greyscale plane as 16 hex digits (64 bits): the image area-averaged to 32×32, its
 * 2-D DCT-II, the top-left 8×8 (lowest) frequencies, each bit set when its coefficient is above
 * the median of the 63 coefficients other than DC (so the DC bit is set for any non-black image).
 * Small crops, rescaling, re-encoding and brightness changes move few bits; different pictures
 * differ in about half of them.
 */
export function perceptualHash(gray: Plane): string {
  const small = gray.width === N && gray.height === N ? gray : areaResize(gray, N, N);
  const px = small.data;
  // Rows first: T[u][x'] = Σ_x basis[u][x] · px[x'][x] … then columns: F[v][u] = Σ_y basis[v][y] · T[u][y].
  const rows = new Float64Array(K * N); // rows[y * K + u]
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < K; u++) {
      let acc = 0;
      for (let x = 0; x < N; x++) acc += BASIS[u * N + x]! * px[y * N + x]!;
      rows[y * K + u] = acc;
    }
  }
  const coefficients = new Float64Array(K * K); // [v * K + u]
  for (let v = 0; v < K; v++) {
    for (let u = 0; u < K; u++) {
      let acc = 0;
      for (let y = 0; y < N; y++) acc += BASIS[v * N + y]! * rows[y * K + u]!;
      coefficients[v * K + u] = acc;
    }
  }
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = (ac[31]! + ac[32]!) / 2;
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (coefficients[nibble * 4 + bit]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** Number of differing bits between two pHashes of the same length (hex strings). */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length || !/^[0-9a-f]*$/i.test(a) || !/^[0-9a-f]*$/i.test(b)) throw new Error(`Cannot compare hashes "${a}" and "${b}".`);
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    for (; x; x &= x - 1) distance++;
  }
  return distance;
}

const hashCache = new WeakMap<PreparedImage, string>();

/**
 * The pHash of a prepared image, as the duplicate and style checks compute it (from the shared
 * 512-px copy, so the full-resolution pixels are read once). Store this value to compare later images.
 */
export function imageHash(image: PreparedImage): string {
  let hash = hashCache.get(image);
  if (!hash) {
    hash = perceptualHash(normalised(image));
    hashCache.set(image, hash);
  }
  return hash;
}
