import { apiJson, apiRoute } from "@/lib/api/api-route";
import { listApiReviewQueue } from "@/lib/api/v1/review";
import { queryOf } from "@/lib/api/v1/urls";

/** What /review shows the token's owner, oldest first (?limit= &cursor= &tier= &campaign= &preset_id= &designer_id= &warnings=). */
export const GET = apiRoute({ scope: "review:read", permission: "review.decide" }, async (ctx, request) =>
  apiJson(await listApiReviewQueue(ctx, queryOf(request))),
);
