import { apiJson, apiRoute } from "@/lib/api/api-route";
import { listGenerationsRequest } from "@/lib/api/v1/queue";

export const GET = apiRoute<{ id: string }>(
  { scope: "generations:read", permission: "batches.view" },
  async (ctx, request, { id }) => apiJson(await listGenerationsRequest(ctx, request, id)),
);
