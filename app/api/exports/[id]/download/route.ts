import { exportDownloadResponse } from "@/lib/exports/download-response";
import { openExportDownload } from "@/lib/exports/views";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";

/** The ZIP, streamed, for its creator or an admin (anyone else: 404); audited; 410 Gone once expired. */
export const GET = guardedRoute<{ id: string }>("exports.create", async (ctx, _request, { id }) =>
  exportDownloadResponse(await openExportDownload({ ctx, store: getBlobStore(), exportId: id })),
);
