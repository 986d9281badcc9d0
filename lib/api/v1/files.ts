import { Readable } from "node:stream";
import { contentDisposition } from "@/lib/delivery/download";

type FileAnswer =
  | { notModified: true; etag: string; cacheControl: string }
  | {
      notModified: false;
      etag?: string;
      cacheControl: string;
      contentType: string;
      bytes: number;
      fileName: { ascii: string; unicode: string };
      body: Readable;
    };

/** A file from the blob store, streamed (never held whole here), as an attachment; 304 when the client's ETag still matches. */
export function fileResponse(file: FileAnswer): Response {
  const headers = new Headers({ "Cache-Control": file.cacheControl, "X-Content-Type-Options": "nosniff" });
  if (file.etag) headers.set("ETag", file.etag);
  if (file.notModified) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", file.contentType);
  headers.set("Content-Length", String(file.bytes));
  headers.set("Content-Disposition", contentDisposition(file.fileName));
  return new Response(Readable.toWeb(file.body) as unknown as ReadableStream<Uint8Array>, { status: 200, headers });
}
