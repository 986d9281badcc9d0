import { Readable } from "node:stream";
import { apiRoute } from "@/lib/api/api-route";
import { AppError } from "@/lib/errors";
import { openExportDownload } from "@/lib/exports/views";
import { getBlobStore } from "@/lib/storage";

/** The ZIP, streamed and audited; 409 while it is not built (or failed), 410 once expired. */
export const GET = apiRoute<{ id: string }>({ scope: "exports:read", permission: "exports.create" }, async (ctx, _request, { id }) => {
  const download = await openExportDownload({ ctx, store: getBlobStore(), exportId: id });
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
});
