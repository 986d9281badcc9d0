import { generationSender } from "@/inngest/send";
import { apiJson, apiRoute } from "@/lib/api/api-route";
import { cancelBatchRequest } from "@/lib/api/v1/queue";

export const POST = apiRoute<{ id: string }>(
  { scope: "generations:write", permission: "generations.create" },
  async (ctx, _request, { id }) => apiJson(await cancelBatchRequest(ctx, id, generationSender)),
);
