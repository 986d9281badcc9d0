import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import type { ExportDownload } from "./views";

/**
 * The HTTP answer for an opened export download, shared by the console's route and /api/v1: the
 * ZIP streamed (never held in memory), or 410 Gone (AppError "gone") once it has expired.
 */
export function exportDownloadResponse(download: ExportDownload): Response {
  if (download.kind === "expired") {
    const when = download.expiresAt ? ` on ${download.expiresAt.slice(0, 16).replace("T", " ")} UTC` : "";
    throw new AppError("gone", `This export expired${when} and its file was deleted; create it again.`);
  }
  return new Response(Readable.toWeb(download.body) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(download.size),
      "Content-Disposition": `attachment; filename="${download.filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
