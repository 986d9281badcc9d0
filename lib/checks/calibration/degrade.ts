import sharp, { type Sharp } from "sharp";

/** A lossless re-encode: degraded copies are PNG unless the degradation is the encoding itself. */
const png = (image: Sharp) => image.png({ compressionLevel: 3 }).toBuffer();

/** Gaussian blur of standard deviation `sigma` pixels (at the photo's own size). */
export function blur(source: Buffer, sigma: number): Promise<Buffer> {
  return png(sharp(source).blur(sigma));
}

/** sRGB transfer function (IEC 61966-2-1), 0..1 both ways. */
const toLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const toSrgb = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

/**
 * A camera exposure change of `ev` stops: linear light is scaled by 2^ev and clipped at white, as a
 * sensor would (positive ev blows the highlights out, negative ev sinks the shadows to black).
 */
export async function exposure(source: Buffer, ev: number): Promise<Buffer> {
  const gain = 2 ** ev;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * toSrgb(Math.min(1, toLinear(v / 255) * gain)));
  const { data, info } = await sharp(source).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]!]!;
  return png(sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }));
}

/** Contrast scaled by `factor` around mid-grey (factor < 1 flattens the image toward grey). */
export function contrast(source: Buffer, factor: number): Promise<Buffer> {
  return png(sharp(source).linear(factor, 128 * (1 - factor)));
}

/** A JPEG re-encode at `quality` (1–100) without chroma subsampling tricks: sharp's defaults. */
export function jpeg(source: Buffer, quality: number): Promise<Buffer> {
  return sharp(source).jpeg({ quality }).toBuffer();
}

/**
 * A near-duplicate: `crop` of the width and height cut away (split between the sides given by
 * `anchor`), scaled back to the original size, brightness multiplied by `brightness`, then
 * encoded as PNG or as JPEG at `quality`.
 */
export async function nearDuplicate(
  source: Buffer,
  {
    crop,
    brightness,
    anchor = "centre",
    quality,
  }: { crop: number; brightness: number; anchor?: "centre" | "top-left"; quality?: number },
): Promise<Buffer> {
  const meta = await sharp(source).metadata();
  const width = meta.width!;
  const height = meta.height!;
  const cutW = Math.round(width * crop);
  const cutH = Math.round(height * crop);
  const left = anchor === "centre" ? Math.round(cutW / 2) : cutW;
  const top = anchor === "centre" ? Math.round(cutH / 2) : cutH;
  const image = sharp(source)
    .extract({ left, top, width: width - cutW, height: height - cutH })
    .resize(width, height, { fit: "fill" })
    .modulate({ brightness });
  return quality ? image.jpeg({ quality }).toBuffer() : png(image);
}

/** A flat image of one grey level, with optional Gaussian-ish noise of the given amplitude (grey levels). */
export async function solid({
  width,
  height,
  level,
  noise = 0,
  seed = 1,
}: {
  width: number;
  height: number;
  level: number;
  noise?: number;
  seed?: number;
}) {
  const data = Buffer.alloc(width * height, level);
  if (noise > 0) {
    let state = seed >>> 0 || 1;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    // Sum of three uniforms: close enough to a Gaussian for sensor-like noise.
    for (let i = 0; i < data.length; i++)
      data[i] = Math.max(0, Math.min(255, Math.round(level + noise * (next() + next() + next() - 1.5) * 2)));
  }
  return png(sharp(data, { raw: { width, height, channels: 1 } }));
}
