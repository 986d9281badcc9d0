import { apiJson, apiRoute } from "@/lib/api/api-route";
import { describeToken } from "@/lib/api/v1/me";

export const GET = apiRoute({ scope: "any", permission: "console.view" }, async (ctx) => apiJson(describeToken(ctx)));
