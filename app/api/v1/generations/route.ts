import { generationSender } from "@/inngest/send";
import { apiJson, apiRoute } from "@/lib/api/api-route";
import { queueGenerationRequest } from "@/lib/api/v1/queue";

export const POST = apiRoute({ scope: "generations:write", permission: "generations.create" }, async (ctx, request) =>
  apiJson(await queueGenerationRequest(ctx, request, generationSender), 202),
);
