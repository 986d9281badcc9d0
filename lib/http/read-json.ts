import { AppError } from "@/lib/errors";

/** Reads a JSON body of at most maxBytes; anything else is a clear invalid_input error. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new AppError("payload_too_large", `Request bodies are limited to ${Math.round(maxBytes / 1024)} KB.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
}
