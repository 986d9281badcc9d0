import { generationSender } from "@/inngest/send";
import { apiJson, apiRoute } from "@/lib/api/api-route";
import { listBatchesRequest, queueBatchRequest } from "@/lib/api/v1/queue";

export const GET = apiRoute({ scope: "generations:read", permission: "batches.view" }, async (ctx, request) =>
  apiJson(await listBatchesRequest(ctx, request)),
);

export const POST = apiRoute(
  { scope: "generations:write", permission: "generations.create", body: ["json", "multipart"] },
  async (ctx, request) => apiJson(await queueBatchRequest(ctx, request, generationSender), 202),
);
