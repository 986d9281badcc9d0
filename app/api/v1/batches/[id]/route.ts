import { apiJson, apiRoute } from "@/lib/api/api-route";
import { getBatchRequest } from "@/lib/api/v1/queue";

export const GET = apiRoute<{ id: string }>(
  { scope: "generations:read", permission: "batches.view" },
  async (ctx, _request, { id }) => apiJson(await getBatchRequest(ctx, id)),
);
