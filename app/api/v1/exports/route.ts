import { sendExportRequested } from "@/inngest/send";
import { apiJson, apiRoute } from "@/lib/api/api-route";
import { createApiExport, listApiExports } from "@/lib/api/v1/exports";
import { queryOf, readJsonBody } from "@/lib/api/v1/urls";
import { getBlobStore } from "@/lib/storage";

/** The token owner's exports, newest first (?limit= &cursor=). */
export const GET = apiRoute({ scope: "exports:read", permission: "exports.create" }, async (ctx, request) =>
  apiJson(await listApiExports(ctx, getBlobStore(), queryOf(request))),
);

/** Body: { selection: {asset_ids}|{query}|{collection_id}|{batch_id}, placements: [slug], formats, quality?, include_original?, name? } → 202 with the export. */
export const POST = apiRoute({ scope: "exports:write", permission: "exports.create" }, async (ctx, request) =>
  apiJson(await createApiExport(ctx, await readJsonBody(request), sendExportRequested), 202),
);
