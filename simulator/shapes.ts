/**
 * Drawing primitives for the procedural renderer. Each works on a float RGB canvas and only
 * touches its own bounding box, which keeps a 512×512 render within a few milliseconds.
 */
export type Rgb = [number, number, number] | number[];
export type Canvas = { width: number; height: number; data: Float32Array };

function box(c: Canvas, x0: number, y0: number, x1: number, y1: number): [number, number, number, number] {
  return [
    Math.max(0, Math.floor(x0)),
    Math.max(0, Math.floor(y0)),
    Math.min(c.width, Math.ceil(x1)),
    Math.min(c.height, Math.ceil(y1)),
  ];
}

function blend(c: Canvas, p: number, r: number, g: number, b: number, a: number): void {
  const o = p * 3;
  c.data[o] = c.data[o]! + (r - c.data[o]!) * a;
  c.data[o + 1] = c.data[o + 1]! + (g - c.data[o + 1]!) * a;
  c.data[o + 2] = c.data[o + 2]! + (b - c.data[o + 2]!) * a;
}

/** Additive radial light (a sun or lamp glow): very smooth, no edges. */
export function drawGlow(c: Canvas, cx: number, cy: number, radius: number, strength: number): void {
  const [x0, y0, x1, y1] = box(c, cx - radius, cy - radius, cx + radius, cy + radius);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / (radius * radius);
      if (d2 >= 1) continue;
      const add = strength * (1 - d2) ** 2;
      const o = (y * c.width + x) * 3;
      c.data[o] = c.data[o]! + add;
      c.data[o + 1] = c.data[o + 1]! + add * 0.95;
      c.data[o + 2] = c.data[o + 2]! + add * 0.8;
    }
  }
}

/** A soft contact shadow under an object, so it sits on the ground. */
export function drawShadow(c: Canvas, cx: number, cy: number, rx: number, ry: number): void {
  const [x0, y0, x1, y1] = box(c, cx - rx, cy - ry, cx + rx, cy + ry);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const d2 = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      if (d2 >= 1) continue;
      blend(c, y * c.width + x, 0, 0, 0, 0.45 * (1 - d2));
    }
  }
}

/** A lit ellipsoid with a specular highlight; `softness` (0..1) sets how blurred its rim is. */
export function drawSoftBall(
  c: Canvas,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  colour: Rgb,
  softness: number,
): void {
  const [x0, y0, x1, y1] = box(c, cx - rx, cy - ry, cx + rx, cy + ry);
  const inner = 1 - softness;
  for (let y = y0; y < y1; y++) {
    const ny = (y - cy) / ry;
    for (let x = x0; x < x1; x++) {
      const nx = (x - cx) / rx;
      const d = Math.sqrt(nx * nx + ny * ny);
      if (d >= 1) continue;
      // Anti-aliased rim: at least about one pixel wide even for crisp objects.
      const aa = Math.max(softness, 1.2 / Math.min(rx, ry));
      const t = Math.min(1, (1 - d) / aa);
      const alpha = d <= inner && softness > 0 ? 1 : t * t * (3 - 2 * t);
      const shade = 1 + 0.45 * (nx * 0.6 + ny * 0.75) * -1 - 0.3 * d * d;
      const spec = 90 * Math.exp(-((nx + 0.35) ** 2 + (ny + 0.4) ** 2) * 14);
      blend(c, y * c.width + x, colour[0]! * shade + spec, colour[1]! * shade + spec, colour[2]! * shade + spec, alpha);
    }
  }
}

/**
 * A hard-edged box (a product, a building) with a vertical light gradient and, when `stripes` > 0,
 * a printed pattern — the crisp edges that sharpness checks look for.
 */
export function drawBlock(
  c: Canvas,
  left: number,
  top: number,
  w: number,
  h: number,
  colour: Rgb,
  stripes: number,
): void {
  const [x0, y0, x1, y1] = box(c, left, top, left + w, top + h);
  const period = Math.max(4, w / 7);
  for (let y = y0; y < y1; y++) {
    const ty = (y - top) / h;
    const ay = Math.min(1, y + 1 - top, top + h - y);
    for (let x = x0; x < x1; x++) {
      const ax = Math.min(1, x + 1 - left, left + w - x);
      const alpha = Math.max(0, Math.min(ax, ay));
      const side = x - left < w * 0.72 ? 1.08 : 0.72; // a lit front face and a darker side face
      let shade = side * (1.1 - 0.35 * ty);
      if (stripes > 0 && ((x - left) / period) % 2 < 1 && ty > 0.3 && ty < 0.7) shade *= 1 - stripes;
      blend(c, y * c.width + x, colour[0]! * shade, colour[1]! * shade, colour[2]! * shade, alpha);
    }
  }
}
