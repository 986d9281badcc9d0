import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import type { BlobKey, BlobStore } from "./types";

/**
 * Keys are content-addressed or otherwise never rewritten (a new rendition gets a new key), so a
 * browser may keep a blob for a year without asking again. "private": it sits behind sign-in, so
 * shared caches must not keep it.
 */
export const BLOB_CACHE_CONTROL = "private, max-age=31536000, immutable";

/**
 * Blobs include user uploads served from the app's own origin. nosniff stops a browser guessing
 * HTML out of them, and the sandbox CSP stops a stored SVG or HTML file from running script
 * with the user's session when opened directly. Neither affects <img> or downloads.
 */
const SAFETY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
} as const;

type BlobRequest = { method: string; headers: Headers };

/** GET and HEAD of one blob, with conditional requests. Throws AppError("not_found") when missing. */
export async function serveBlob(store: BlobStore, key: BlobKey, request: BlobRequest): Promise<Response> {
  const blob = await store.get(key);
  if (!blob) throw new AppError("not_found", "That file does not exist or was deleted.");

  const headers = new Headers({ ETag: blob.etag, "Cache-Control": BLOB_CACHE_CONTROL, ...SAFETY_HEADERS });
  const notModified = etagMatches(request.headers.get("if-none-match"), blob.etag);
  const isHead = request.method === "HEAD";
  if (notModified || isHead) blob.body.destroy(); // release the file descriptor or download we will not read

  if (notModified) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", blob.contentType);
  headers.set("Content-Length", String(blob.size));
  if (isHead) return new Response(null, { status: 200, headers });
  const body = Readable.toWeb(blob.body) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ is ignored, "*" matches anything. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => opaque(candidate) === opaque(etag));
}
