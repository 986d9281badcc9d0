import { Readable } from "node:stream";
import { contentDisposition, resolveDownload } from "@/lib/delivery/download";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";

/**
 * One version of an asset as a file: ?format=original|png|jpeg|webp|avif (default original),
 * &quality=1–100 for the lossy ones. `number` is a version number or "current". The file is
 * streamed from the blob store, never held whole here.
 */
export const GET = guardedRoute<{ id: string; number: string }>("assets.view", async (ctx, request, { id, number }) => {
  const query = new URL(request.url).searchParams;
  const file = await resolveDownload({
    ctx,
    store: getBlobStore(),
    input: {
      assetId: id,
      version: number,
      format: query.get("format") ?? undefined,
      quality: query.get("quality") ?? undefined,
    },
    ifNoneMatch: request.headers.get("if-none-match"),
  });
  const headers = new Headers({
    ETag: file.etag,
    "Cache-Control": file.cacheControl,
    "X-Content-Type-Options": "nosniff",
  });
  if (file.notModified) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", file.contentType);
  headers.set("Content-Length", String(file.bytes));
  headers.set("Content-Disposition", contentDisposition(file.fileName));
  return new Response(Readable.toWeb(file.body) as unknown as ReadableStream<Uint8Array>, { status: 200, headers });
});
