import { apiRoute } from "@/lib/api/api-route";
import { versionDownloadQuery } from "@/lib/api/v1/assets";
import { fileResponse } from "@/lib/api/v1/files";
import { queryOf } from "@/lib/api/v1/urls";
import { resolveDownload } from "@/lib/delivery/download";
import { parseInput } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

/** One version as a file (?format=original|png|jpeg|webp|avif &quality=), streamed, with ETag / 304; audited. */
export const GET = apiRoute<{ id: string; number: string }>(
  { scope: "assets:read", permission: "assets.view" },
  async (ctx, request, { id, number }) => {
    const query = parseInput(versionDownloadQuery, queryOf(request));
    const file = await resolveDownload({
      ctx,
      store: getBlobStore(),
      input: { assetId: id, version: number, format: query.format, quality: query.quality },
      ifNoneMatch: request.headers.get("if-none-match"),
    });
    return fileResponse(file);
  },
);
