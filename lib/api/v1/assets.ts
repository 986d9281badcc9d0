import { z } from "zod";
import { apiErrorSchema, jsonResponse as json, pageOf, registerRoute } from "../openapi";
import {
  assetListQuery,
  assetSchema,
  assetSummarySchema,
  idParam,
  placementDownloadQuery,
  versionDownloadQuery,
} from "./asset-schemas";

export { assetListQuery, placementDownloadQuery, versionDownloadQuery } from "./asset-schemas";
export { getApiAsset, searchApiAssets } from "./asset-view";

/** The OpenAPI description of /api/v1/assets: the same schemas the routes validate with. */

const assetId = idParam("id", "The asset's id.");
const binary = (description: string) => ({
  description,
  headers: z.object({
    ETag: z.string().meta({ description: "Send back as If-None-Match: 304 while the file is unchanged." }),
  }),
  content: { "image/*": { schema: z.string().meta({ format: "binary" }) } },
});
const notFound = json(apiErrorSchema, "No such asset, or one the token's owner may not see (`not_found`).");

registerRoute({
  method: "get",
  path: "/api/v1/assets",
  scope: "assets:read",
  summary: "Search assets",
  description:
    "The library's search: its query grammar, its visibility (designers see their own assets and those on boards shared with their team; reviewers and admins all). A grammar error is a 400 with field `q` and the position.",
  tags: ["Assets"],
  request: { query: assetListQuery },
  responses: { 200: json(pageOf(assetSummarySchema, "AssetList"), "A page of assets.") },
});

registerRoute({
  method: "get",
  path: "/api/v1/assets/{id}",
  scope: "assets:read",
  summary: "Get an asset",
  description:
    "Status, tier, carried columns, alt text, usage rights, approval id, versions, the newest checks, every review decision, and links to its files and placement renditions.",
  tags: ["Assets"],
  request: { params: assetId },
  responses: { 200: json(assetSchema, "The asset."), 404: notFound },
});

registerRoute({
  method: "get",
  path: "/api/v1/assets/{id}/versions/{number}/download",
  scope: "assets:read",
  summary: "Download a version",
  description:
    "One version as a file, streamed: the original bytes, or a full-size PNG, JPEG, WebP or AVIF carrying only Kiln's chosen metadata. Any status (internal use); audited.",
  tags: ["Assets"],
  request: {
    params: assetId.extend({
      number: z
        .string()
        .regex(/^(current|[1-9][0-9]*)$/)
        .meta({ description: "A version number, or `current`." }),
    }),
    query: versionDownloadQuery,
  },
  responses: {
    200: binary("The file, as an attachment."),
    304: { description: "Unchanged since the ETag sent." },
    404: notFound,
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/assets/{id}/placements/{slug}",
  scope: "assets:read",
  summary: "Get a placement rendition",
  description:
    "The current version cropped around its focal point to the placement's size, for publishing: only while the asset may be published (approved, alt text confirmed by a person, usage rights not expired). Audited.",
  tags: ["Assets"],
  request: {
    params: assetId.extend({ slug: z.string().meta({ description: "The placement's slug, e.g. meta-feed-square." }) }),
    query: placementDownloadQuery,
  },
  responses: {
    200: binary("The rendition, as an attachment."),
    304: { description: "Unchanged since the ETag sent." },
    404: json(apiErrorSchema, "No such asset or active placement (`not_found`)."),
    422: json(apiErrorSchema, "The asset may not be published; the message lists every reason (`policy_blocked`)."),
  },
});
