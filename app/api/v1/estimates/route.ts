import { apiJson, apiRoute } from "@/lib/api/api-route";
import { estimateRequest } from "@/lib/api/v1/queue";

export const POST = apiRoute({ scope: "generations:read", permission: "generations.create" }, async (ctx, request) =>
  apiJson(await estimateRequest(ctx, request)),
);
