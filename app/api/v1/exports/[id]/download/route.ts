import { apiRoute } from "@/lib/api/api-route";
import { exportDownloadResponse } from "@/lib/exports/download-response";
import { openExportDownload } from "@/lib/exports/views";
import { getBlobStore } from "@/lib/storage";

/** The ZIP, streamed and audited; 409 while it is not built (or failed), 410 once expired. */
export const GET = apiRoute<{ id: string }>(
  { scope: "exports:read", permission: "exports.create" },
  async (ctx, _request, { id }) =>
    exportDownloadResponse(await openExportDownload({ ctx, store: getBlobStore(), exportId: id })),
);
