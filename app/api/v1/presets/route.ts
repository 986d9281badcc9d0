import { apiJson, apiRoute } from "@/lib/api/api-route";
import { listApiPresets } from "@/lib/api/v1/catalog";

export const GET = apiRoute({ scope: "generations:read", permission: "generations.create" }, async (ctx) =>
  apiJson(await listApiPresets(ctx)),
);
