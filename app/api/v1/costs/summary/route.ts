import { apiJson, apiRoute } from "@/lib/api/api-route";
import { getApiCostSummary } from "@/lib/api/v1/costs";
import { queryOf } from "@/lib/api/v1/urls";

/** Spend, approved assets and cost per usable asset (?from= &to= &group_by= + the Costs page's filters), in the owner's scope. */
export const GET = apiRoute({ scope: "costs:read", permission: "costs.view" }, async (ctx, request) =>
  apiJson(await getApiCostSummary(ctx, queryOf(request))),
);
