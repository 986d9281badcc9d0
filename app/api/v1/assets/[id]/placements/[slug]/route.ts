import { apiRoute } from "@/lib/api/api-route";
import { placementDownloadQuery } from "@/lib/api/v1/assets";
import { fileResponse } from "@/lib/api/v1/files";
import { queryOf } from "@/lib/api/v1/urls";
import { resolvePlacementDownload } from "@/lib/delivery/placement-download";
import { parseInput } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

/** The placement rendition of the current version (?format= &quality=), only while the asset may be published (else 422 with the reasons). */
export const GET = apiRoute<{ id: string; slug: string }>(
  { scope: "assets:read", permission: "assets.view" },
  async (ctx, request, { id, slug }) => {
    const query = parseInput(placementDownloadQuery, queryOf(request));
    const file = await resolvePlacementDownload({
      ctx,
      store: getBlobStore(),
      input: { assetId: id, slug, format: query.format, quality: query.quality },
      ifNoneMatch: request.headers.get("if-none-match"),
    });
    return fileResponse(file);
  },
);
