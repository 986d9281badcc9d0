import { apiJson, apiRoute } from "@/lib/api/api-route";
import { getApiAsset } from "@/lib/api/v1/assets";

/** One asset with its versions, checks, decisions, alt text, rights and file links (404 if the owner may not see it). */
export const GET = apiRoute<{ id: string }>(
  { scope: "assets:read", permission: "assets.view" },
  async (ctx, _request, { id }) => apiJson(await getApiAsset(ctx, id)),
);
