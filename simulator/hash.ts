/**
 * Small, fast, dependency-free hashing for the simulator. Everything the simulator decides
 * (pictures, random seeds, fault dice) comes from these, so the same inputs give the same bytes.
 */

/** FNV-1a over a string's UTF-16 code units, finished with a murmur-style avalanche. */
export function hashString(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Avalanche one 32-bit integer (lowbias32); used per pixel for grain, so it must stay cheap. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = mix32(h ^ mix32(v | 0));
  return h;
}

/** mulberry32: a seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform [0, 1) draw for one named die of one call: reproducible from (faultSeed, call number). */
export function die(faultSeed: number, call: number, name: string): number {
  return hashInts(faultSeed, call, hashString(name)) / 4294967296;
}
