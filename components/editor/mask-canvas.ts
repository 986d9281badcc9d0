/**
 * Painting on the mask canvas (kept at the image's natural size, whatever the zoom) and turning it
 * into the PNG the server expects: white where the edit acts, black elsewhere.
 */
export type Point = { x: number; y: number };

export function paintStroke(canvas: HTMLCanvasElement, from: Point, to: Point, size: number, erase: boolean): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.save();
  ctx.globalCompositeOperation = erase ? "destination-out" : "source-over";
  ctx.strokeStyle = "rgb(239, 68, 68)";
  ctx.fillStyle = "rgb(239, 68, 68)";
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.lineWidth = size;
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(to.x, to.y, size / 2, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
}

export function clearMask(canvas: HTMLCanvasElement): void {
  canvas.getContext("2d")?.clearRect(0, 0, canvas.width, canvas.height);
}

/** Whether anything is painted (after the eraser, strokes alone cannot tell). */
export function maskHasPaint(canvas: HTMLCanvasElement): boolean {
  const ctx = canvas.getContext("2d");
  if (!ctx) return false;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 3; i < data.length; i += 4) if (data[i]! >= 128) return true;
  return false;
}

/** The mask as a black-and-white PNG data URL at the image's size. */
export function exportMask(canvas: HTMLCanvasElement): string {
  const src = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
  const out = new ImageData(canvas.width, canvas.height);
  for (let i = 0; i < src.data.length; i += 4) {
    const v = src.data[i + 3]! >= 128 ? 255 : 0;
    out.data[i] = v;
    out.data[i + 1] = v;
    out.data[i + 2] = v;
    out.data[i + 3] = 255;
  }
  const off = document.createElement("canvas");
  off.width = canvas.width;
  off.height = canvas.height;
  off.getContext("2d")!.putImageData(out, 0, 0);
  return off.toDataURL("image/png");
}
