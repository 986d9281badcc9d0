import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import { openExportDownload } from "@/lib/exports/views";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";

/** The ZIP, streamed, for its creator or an admin (anyone else: 404); audited; 410 Gone once expired. */
export const GET = guardedRoute<{ id: string }>("exports.create", async (ctx, _request, { id }) => {
  const download = await openExportDownload({ ctx, store: getBlobStore(), exportId: id });
  if (download.kind === "expired") {
    return NextResponse.json(
      { error: { code: "gone", message: `This export expired${download.expiresAt ? ` on ${download.expiresAt.slice(0, 16).replace("T", " ")} UTC` : ""} and its file was deleted; create it again.` } },
      { status: 410 },
    );
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
