import { apiJson, apiRoute } from "@/lib/api/api-route";
import { toApiExport } from "@/lib/api/v1/exports";
import { getExport } from "@/lib/exports/views";

/** One export: status, progress, held-back assets, and once built its size, expiry and download_url. */
export const GET = apiRoute<{ id: string }>(
  { scope: "exports:read", permission: "exports.create" },
  async (ctx, _request, { id }) => apiJson(toApiExport(await getExport({ ctx, exportId: id }))),
);
