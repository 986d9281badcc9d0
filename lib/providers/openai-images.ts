/**
 * Helpers for the OpenAI images adapter: the sizes each model accepts, the negative-prompt folding
 * (the API has no negative prompt) and the mask conversion (OpenAI edits where the mask is transparent).
 */
const SIZES: Record<"gpt-image" | "dall-e-3" | "dall-e-2", readonly string[]> = {
  "gpt-image": ["1024x1024", "1536x1024", "1024x1536"],
  "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
  "dall-e-2": ["256x256", "512x512", "1024x1024"],
};

export type ModelFamily = keyof typeof SIZES;

export function modelFamily(model: string): ModelFamily {
  if (model.startsWith("dall-e-2")) return "dall-e-2";
  if (model.startsWith("dall-e-3")) return "dall-e-3";
  return "gpt-image";
}

/** The supported size nearest in aspect ratio first, then in area. */
export function nearestSize(model: string, width: number, height: number): string {
  const ratio = Math.log(width / height);
  const area = Math.log(width * height);
  const score = (size: string) => {
    const [w = 1, h = 1] = size.split("x").map(Number);
    return Math.abs(Math.log(w / h) - ratio) * 10 + Math.abs(Math.log(w * h) - area);
  };
  const sizes = SIZES[modelFamily(model)];
  return sizes.reduce((best, s) => (score(s) < score(best) ? s : best), sizes[0] ?? "1024x1024");
}

/** OpenAI has no negative prompt: it is folded into the prompt as an explicit sentence. */
export function foldNegativePrompt(prompt: string, negative: string): string {
  const avoid = negative.trim().replace(/[.\s]+$/, "");
  const text = prompt.trim();
  if (!avoid) return text;
  // One line: multipart bodies would rewrite a newline to CRLF, changing the prompt between endpoints.
  return `${/[.!?]$/.test(text) ? text : `${text}.`} Avoid: ${avoid}.`;
}

/**
 * Kiln masks are white where the image is repainted (the A1111/Stability convention); OpenAI edits
 * where the mask is fully transparent. Produces an RGBA PNG the size of the image with alpha = 255 − luma.
 */
export async function toOpenAIMask(mask: Buffer, image: Buffer): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const { width, height } = await sharp(image).metadata();
  if (!width || !height) throw new Error("cannot read the image dimensions");
  const grey = await sharp(mask).resize(width, height, { fit: "fill" }).greyscale().raw().toBuffer();
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba[i * 4 + 3] = 255 - (grey[i] ?? 0);
  return sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}
