/** Side of the grid cells the mask is scanned in when looking for its separate parts. */
const CELL = 64;

export type Box = { x: number; y: number; width: number; height: number };

/**
 * Rectangles that hold every marked pixel of a one-byte-a-pixel mask, one per separate part (parts
 * closer than a grid cell share one), each grown by `margin` and clamped to the image, none
 * overlapping. Telea only reads known pixels near the hole, so with a margin beyond its reach each
 * rectangle can be inpainted on its own, in any order or thread, with the whole image's result.
 */
export function maskBoxes(mask: Uint8Array, width: number, height: number, margin: number): Box[] {
  const cols = Math.ceil(width / CELL);
  const rows = Math.ceil(height / CELL);
  type Bounds = { x0: number; y0: number; x1: number; y1: number };
  // Per cell: the bounds of its marked pixels, or none.
  const cells: (Bounds | null)[] = new Array(cols * rows).fill(null);
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
  // Cells that touch (8 ways) form one part; its bounds are the union of theirs, grown by the margin.
  const seen = new Uint8Array(cells.length);
  const boxes: Bounds[] = [];
  for (let start = 0; start < cells.length; start++) {
    if (!cells[start] || seen[start]) continue;
    const part = { ...cells[start]! };
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      const b = cells[c]!;
      part.x0 = Math.min(part.x0, b.x0);
      part.y0 = Math.min(part.y0, b.y0);
      part.x1 = Math.max(part.x1, b.x1);
      part.y1 = Math.max(part.y1, b.y1);
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
      x0: Math.max(0, part.x0 - margin),
      y0: Math.max(0, part.y0 - margin),
      x1: Math.min(width - 1, part.x1 + margin),
      y1: Math.min(height - 1, part.y1 + margin),
    });
  }
  // Grown boxes that overlap are merged (until none do), so no pixel belongs to two.
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.x0 > b.x1 || b.x0 > a.x1 || a.y0 > b.y1 || b.y0 > a.y1) continue;
        boxes[i] = {
          x0: Math.min(a.x0, b.x0),
          y0: Math.min(a.y0, b.y0),
          x1: Math.max(a.x1, b.x1),
          y1: Math.max(a.y1, b.y1),
        };
        boxes.splice(j, 1);
        merged = true;
        break outer;
      }
  }
  return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 }));
}

/** The box's pixels of a `channels`-byte-a-pixel image, row by row, as a new array. */
export function cropBox(image: Uint8Array, width: number, channels: number, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height * channels);
  const rowBytes = box.width * channels;
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * width + box.x) * channels;
    out.set(image.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

/** Writes a box's pixels back into the image (the inverse of cropBox). */
export function pasteBox(image: Uint8Array, width: number, channels: number, box: Box, pixels: Uint8Array): void {
  const rowBytes = box.width * channels;
  for (let y = 0; y < box.height; y++)
    image.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), ((box.y + y) * width + box.x) * channels);
}

/** Boxes shared between `n` threads, largest first onto the least-loaded, so the slowest share is as small as it can be. */
export function shareBoxes(boxes: Box[], n: number): Box[][] {
  const shares: { load: number; boxes: Box[] }[] = Array.from(
    { length: Math.max(1, Math.min(n, boxes.length)) },
    () => ({ load: 0, boxes: [] }),
  );
  for (const box of [...boxes].sort((a, b) => b.width * b.height - a.width * a.height)) {
    const least = shares.reduce((min, s) => (s.load < min.load ? s : min));
    least.boxes.push(box);
    least.load += box.width * box.height;
  }
  return shares.map((s) => s.boxes);
}
