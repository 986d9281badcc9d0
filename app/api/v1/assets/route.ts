import { apiJson, apiRoute } from "@/lib/api/api-route";
import { assetListQuery, searchApiAssets } from "@/lib/api/v1/assets";
import { queryOf } from "@/lib/api/v1/urls";
import { parseInput } from "@/lib/errors";

/** ?q= (the library's query grammar) &sort= &limit= &cursor= → a page of assets. */
export const GET = apiRoute({ scope: "assets:read", permission: "assets.view" }, async (ctx, request) =>
  apiJson(await searchApiAssets(ctx, parseInput(assetListQuery, queryOf(request)))),
);
