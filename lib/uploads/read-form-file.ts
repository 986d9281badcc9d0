import { AppError } from "@/lib/errors";

/**
 * Reads the "file" field of a multipart request, refusing bodies over the cap before they are
 * buffered (by Content-Length) and again after (a client can lie about the length).
 */
export async function readUploadedFile(
  request: Request,
  maxBytes: number,
): Promise<{ filename: string; bytes: Buffer } | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AppError("payload_too_large", `Uploads are limited to ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`);
  // Multipart framing adds a little; allow 64 KiB for it.
  if (declared > maxBytes + 65_536) throw tooLarge();
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    throw new AppError("unsupported_media_type", "Send the image as multipart/form-data with a field named file.");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError("invalid_input", "The upload could not be read. Try again.");
  }
  const file = form.get("file");
  if (!file || typeof file === "string") return null;
  if (file.size > maxBytes) throw tooLarge();
  return { filename: file.name || "upload", bytes: Buffer.from(await file.arrayBuffer()) };
}
