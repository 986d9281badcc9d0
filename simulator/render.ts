import sharp from "sharp";
import { hashInts, hashString, mix32, prng } from "./hash";
import { drawBlock, drawGlow, drawShadow, drawSoftBall, type Canvas, type Rgb } from "./shapes";

/**
 * The simulator's "model": a procedural picture from (prompt, seed, size, model) — a sky/ground
 * scene with lit objects, texture and grain. It is meant to look enough like a photo or an
 * illustration that quality checks (sharpness, contrast, duplicates) behave as on real outputs:
 * smooth gradients, soft and hard edges, mid-frequency texture, not blank and not pure noise.
 */
export type RenderInput = { prompt: string; seed: number; width: number; height: number; model?: string };
export type RenderFaults = { blur?: boolean; washedOut?: boolean };

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => 255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

/** The palette depends on the prompt only, so one prompt's images share a "style" across seeds. */
function palette(prompt: string): Rgb[] {
  const h = hashString(prompt.trim().toLowerCase());
  const base = h % 360;
  const scheme = [
    [0, 25, 50, 180, 205],
    [0, 150, 210, 30, 330],
    [0, 120, 240, 60, 180],
    [0, 15, 190, 200, 40],
  ][(h >>> 9) % 4]!;
  const sat = 0.35 + ((h >>> 12) % 40) / 100;
  return scheme.map((offset, i) => hsl((base + offset) % 360, sat + (i % 2) * 0.1, 0.32 + i * 0.09));
}

/** Two octaves of smooth value noise, sampled bilinearly from a coarse random grid. */
function valueNoise(width: number, height: number, cells: number, rand: () => number): Float32Array {
  const gw = cells + 2;
  const grid = new Float32Array(gw * gw).map(() => rand() * 2 - 1);
  const out = new Float32Array(width * height);
  const sx = cells / width;
  const sy = cells / height;
  const cellX = new Int32Array(width);
  const fracX = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    cellX[x] = Math.floor(x * sx);
    const t = x * sx - cellX[x]!;
    fracX[x] = t * t * (3 - 2 * t);
  }
  for (let y = 0; y < height; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    let ty = fy - y0;
    ty = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < width; x++) {
      const tx = fracX[x]!;
      const i = y0 * gw + cellX[x]!;
      const top = grid[i]! + (grid[i + 1]! - grid[i]!) * tx;
      const bottom = grid[i + gw]! + (grid[i + gw + 1]! - grid[i + gw]!) * tx;
      out[y * width + x] = top + (bottom - top) * ty;
    }
  }
  return out;
}

function detailOf(model: string | undefined): number {
  if (!model) return 1;
  if (model.includes("draft")) return 0;
  if (model.includes("hero")) return 2;
  return 1;
}

/** Renders raw interleaved RGB (3 bytes per pixel). */
export function renderRaw(input: RenderInput, faults: RenderFaults = {}): Buffer {
  const { width: W, height: H } = input;
  const colours = palette(input.prompt);
  const key = hashInts(hashString(input.prompt), input.seed, W, H, hashString(input.model ?? ""));
  const rand = prng(key);
  const c: Canvas = { width: W, height: H, data: new Float32Array(W * H * 3) };

  // Sky and ground, split by a gently waving horizon (a long, soft, anti-aliased edge).
  const [sky0, sky1, ground0, ground1] = [colours[3]!, colours[4]!, colours[1]!, colours[0]!];
  const skyTop: Rgb = [sky0[0] * 0.5 + 120, sky0[1] * 0.5 + 120, sky0[2] * 0.5 + 125];
  const horizon = new Float32Array(W);
  const hy = H * (0.42 + 0.25 * rand());
  const amp = H * 0.04 * rand();
  const freq = ((1 + 3 * rand()) * 2 * Math.PI) / W;
  const phase = rand() * 6.283;
  for (let x = 0; x < W; x++) horizon[x] = hy + amp * Math.sin(x * freq + phase);
  const skyStep = [0, 1, 2].map((ch) => sky1[ch]! - skyTop[ch]!);
  const groundStep = [0, 1, 2].map((ch) => ground1[ch]! * 0.55 - ground0[ch]!);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const hz = horizon[x]!;
      const a = Math.min(1, Math.max(0, y - hz + 0.5));
      const ts = Math.min(1, y / hz);
      const tg = Math.max(0, (y - hz) / (H - hz));
      const o = (y * W + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const s = skyTop[ch]! + skyStep[ch]! * ts;
        const g = ground0[ch]! + groundStep[ch]! * tg;
        c.data[o + ch] = s + (g - s) * a;
      }
    }
  }

  // A light source in the sky, then objects from back to front: farther (higher) ones are smaller.
  drawGlow(c, W * (0.15 + 0.7 * rand()), hy * (0.2 + 0.5 * rand()), Math.min(W, H) * (0.25 + 0.2 * rand()), 70);
  const detail = detailOf(input.model);
  const count = 3 + Math.floor(rand() * 3) + detail;
  const objects = Array.from({ length: count }, () => ({ y: hy + (H - hy) * (0.15 + 0.8 * rand()), r: rand() }));
  objects.sort((a, b) => a.y - b.y);
  for (const [i, obj] of objects.entries()) {
    const depth = (obj.y - hy) / (H - hy);
    const size = Math.min(W, H) * (0.06 + 0.16 * depth) * (0.7 + 0.6 * rand());
    const cx = W * (0.08 + 0.84 * rand());
    const colour = colours[(i + 2) % colours.length]!;
    drawShadow(c, cx + size * 0.3, obj.y, size * 1.2, size * 0.3);
    if (obj.r < 0.55) {
      drawSoftBall(c, cx, obj.y - size * 0.9, size, size * (0.8 + 0.4 * rand()), colour, 0.03 + 0.25 * rand());
    } else {
      const w = size * (1.2 + rand());
      const h = size * (1.5 + rand());
      drawBlock(c, cx - w / 2, obj.y - h, w, h, colour, rand() < 0.5 ? 0.15 + rand() * 0.25 : 0);
    }
  }

  // Lighting variation, vignette and film grain, then quantise to bytes.
  const low = valueNoise(W, H, 5, rand);
  const mid = valueNoise(W, H, 23 + detail * 8, rand);
  // Fine surface texture (cells of ~3 px) gives the picture the high-frequency detail a real
  // model's output has, so checks calibrated on photographs score it like one: sharpness sees
  // focus, and the NSFW classifier does not read large smooth skin-toned gradients as skin
  // (0 of 240 random pictures at or above its warning level, against ~7 % with smooth surfaces).
  const fine = valueNoise(W, H, Math.max(8, Math.round(Math.min(W, H) / 3)), rand);
  const fineAmp = 18 + detail * 4;
  const grainKey = mix32(key ^ 0x5bd1e995);
  const grainAmp = 4 + detail * 2;
  const out = Buffer.allocUnsafe(W * H * 3);
  const vignetteX = new Float32Array(W).map((_, x) => ((x / W - 0.5) * 2) ** 2 * 0.22);
  // A washed-out output keeps 35% of the contrast around a bright grey: v * gain + lift.
  const gain = faults.washedOut ? 0.35 : 1;
  const lift = faults.washedOut ? 158 : 0;
  const data = c.data;
  for (let y = 0; y < H; y++) {
    const vy = 1 - ((y / H - 0.5) * 2) ** 2 * 0.22;
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const light = (1 + 0.12 * low[p]! + 0.05 * mid[p]!) * (vy - vignetteX[x]!) * gain;
      const grain = (((mix32(p ^ grainKey) & 255) * (2 / 255) - 1) * grainAmp + fine[p]! * fineAmp) * gain + lift;
      const o = p * 3;
      const r = data[o]! * light + grain;
      const g = data[o + 1]! * light + grain;
      const b = data[o + 2]! * light + grain;
      out[o] = r < 0 ? 0 : r > 255 ? 255 : r;
      out[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      out[o + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
    }
  }
  return out;
}

/** PNG-encodes raw RGB; a blur fault is applied here with a sigma proportional to the size. */
export async function encodePng(
  raw: Buffer,
  width: number,
  height: number,
  faults: RenderFaults = {},
): Promise<Buffer> {
  let img = sharp(raw, { raw: { width, height, channels: 3 } });
  if (faults.blur) img = img.blur(Math.max(2.5, Math.min(width, height) / 110));
  // Level 1 without filtering encodes in ~10 ms at 512²; sharp writes no timestamps, so output bytes are stable.
  return img.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}

export async function renderPng(input: RenderInput, faults: RenderFaults = {}): Promise<Buffer> {
  return encodePng(renderRaw(input, faults), input.width, input.height, faults);
}

/** What an NSFW filter returns in place of the picture: a black image of the requested size. */
export async function blackPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#000000" } })
    .png()
    .toBuffer();
}
