import { z } from "zod";
import { DELIVERY_FORMATS, EXPORT_STATUSES } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { createExport, type ExportSender } from "@/lib/exports/create-export";
import { EXPORT_ASSET_IDS_CAP } from "@/lib/exports/request";
import { getExport, listMyExportsPage, type ExportView } from "@/lib/exports/views";
import { listActivePlacements } from "@/lib/placements";
import type { BlobStore } from "@/lib/storage/types";
import { ApiError } from "../errors";
import { apiErrorSchema, jsonResponse as json, pageOf, registerRoute } from "../openapi";
import { decodeCursor, encodeCursor, pageQuery, type Page } from "../pagination";
import { idParam } from "./asset-schemas";
import { apiUrl, CURSOR_TIME } from "./urls";

const quality = z.number().int().min(1, "Quality is 1 to 100.").max(100, "Quality is 1 to 100.");

export const createExportBody = z
  .object({
    selection: z
      .union(
        [
          z
            .object({
              asset_ids: z
                .array(z.string().uuid("Unknown asset."))
                .min(1, "Select at least one asset.")
                .max(EXPORT_ASSET_IDS_CAP),
            })
            .strict(),
          z
            .object({ query: z.string().max(1_000).meta({ description: "A library query (the search grammar)." }) })
            .strict(),
          z.object({ collection_id: z.string().uuid() }).strict(),
          z.object({ batch_id: z.string().uuid() }).strict(),
        ],
        { error: "Choose what to export: {asset_ids}, {query}, {collection_id} or {batch_id}." },
      )
      .meta({
        description:
          "Exactly one of asset_ids, query, collection_id or batch_id. Only assets the token's owner may see are considered.",
      }),
    placements: z
      .array(z.string().max(80))
      .max(200)
      .default([])
      .meta({ description: "Placement slugs (e.g. meta-feed-square); each asset is cropped to each." }),
    formats: z
      .array(z.enum(DELIVERY_FORMATS, { error: "Formats are webp, avif, jpeg and png." }))
      .min(1, "Choose at least one format.")
      .max(4),
    quality: z
      .object({ webp: quality.optional(), avif: quality.optional(), jpeg: quality.optional(), png: quality.optional() })
      .strict()
      .default({}),
    include_original: z
      .boolean()
      .default(false)
      .meta({ description: "Add each approved original (full size, chosen metadata only)." }),
    name: z.string().trim().max(120).optional(),
  })
  .strict()
  .meta({ id: "ExportCreate" });

export const exportSchema = z
  .object({
    object: z.literal("export"),
    id: z.string().uuid(),
    name: z.string(),
    status: z
      .enum(EXPORT_STATUSES)
      .meta({
        description:
          "queued, running, succeeded (download_url set), failed (see error), expired (the ZIP was deleted).",
      }),
    progress: z.object({ files_done: z.number().int(), files_total: z.number().int() }),
    assets_included: z.number().int(),
    held_back: z
      .array(z.object({ asset_id: z.string().uuid(), title: z.string(), reasons: z.array(z.string()) }))
      .meta({
        description: "Assets of the selection left out because they may not be published, each with every reason.",
      }),
    placements: z.array(z.string()).meta({ description: "Placement slugs." }),
    formats: z.array(z.enum(DELIVERY_FORMATS)),
    include_original: z.boolean(),
    bytes: z.number().int().nullable().meta({ description: "The ZIP's size once built." }),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    expires_at: z
      .string()
      .nullable()
      .meta({ description: "After this the ZIP is deleted (the download answers 410)." }),
    download_url: z.string().nullable().meta({ description: "The ZIP, while it is ready and not expired." }),
  })
  .meta({ id: "Export" });

export type ApiExport = z.infer<typeof exportSchema>;

export function toApiExport(v: ExportView): ApiExport {
  return {
    object: "export",
    id: v.id,
    name: v.name,
    status: v.status,
    progress: { files_done: v.filesDone, files_total: v.filesTotal },
    assets_included: v.assetsIncluded,
    held_back: v.heldBack.map((h) => ({ asset_id: h.assetId, title: h.title, reasons: h.reasons })),
    placements: v.placementSlugs,
    formats: v.formats as ApiExport["formats"],
    include_original: v.includeOriginal,
    bytes: v.bytes,
    error: v.error,
    created_at: v.createdAt,
    finished_at: v.finishedAt,
    expires_at: v.expiresAt,
    download_url: v.downloadable ? apiUrl(`/api/v1/exports/${v.id}/download`) : null,
  };
}

/** The lib's field names → the API's, so a 400 names the field the client sent. */
const FIELD_NAMES: Record<string, string> = {
  q: "selection.query",
  query: "selection.query",
  assetIds: "selection.asset_ids",
  "selection.assetIds": "selection.asset_ids",
  collectionId: "selection.collection_id",
  batchId: "selection.batch_id",
  placementIds: "placements",
  includeOriginal: "include_original",
};

function withApiFields(error: unknown): unknown {
  if (!(error instanceof AppError) || !error.fields) return error;
  const fields = Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [FIELD_NAMES[k] ?? k, v]));
  const message = error.message.replace(/^([A-Za-z.]+): /, (m, field: string) =>
    FIELD_NAMES[field] ? `${FIELD_NAMES[field]}: ` : m,
  );
  return new AppError(error.code, message, { fields, cause: error });
}

/** POST /api/v1/exports: the console's createExport (same validation, visibility, held-back rules), placements named by slug. */
export async function createApiExport(ctx: Ctx, body: unknown, send: ExportSender): Promise<ApiExport> {
  const input = parseInput(createExportBody, body);
  const active = new Map((await listActivePlacements(ctx.db)).map((p) => [p.slug, p.id]));
  const unknown = input.placements.filter((slug) => !active.has(slug));
  if (unknown.length)
    throw new AppError(
      "invalid_input",
      `No active placement “${unknown[0]}”. Ask an admin for the list, or see an asset's renditions.placements.`,
      { fields: { placements: ["unknown placement"] } },
    );
  const s = input.selection;
  const selection =
    "asset_ids" in s
      ? { assetIds: s.asset_ids }
      : "query" in s
        ? { query: s.query }
        : "collection_id" in s
          ? { collectionId: s.collection_id }
          : { batchId: s.batch_id };
  try {
    const job = await createExport({
      ctx,
      input: {
        selection,
        placementIds: input.placements.map((slug) => active.get(slug)!),
        formats: input.formats,
        quality: input.quality,
        includeOriginal: input.include_original,
        name: input.name,
      },
      send,
    });
    return toApiExport(await getExport({ ctx, exportId: job.id }));
  } catch (error) {
    throw withApiFields(error);
  }
}

export async function listApiExports(ctx: Ctx, store: BlobStore, query: unknown): Promise<Page<ApiExport>> {
  const { limit, cursor } = parseInput(pageQuery, query);
  const after = decodeCursor(cursor);
  if (after && !CURSOR_TIME.test(after.at))
    throw new ApiError("invalid_input", "The cursor is not one this API gave out.", "cursor");
  const page = await listMyExportsPage({ ctx, store, limit, after });
  return {
    object: "list",
    data: page.items.map(toApiExport),
    has_more: page.next !== null,
    next_cursor: page.next ? encodeCursor(page.next) : null,
  };
}

// ---------------------------------------------------------------------------------------------

const exportId = idParam("id", "The export's id.");
const notFound = json(apiErrorSchema, "No such export of the token's owner (`not_found`).");

registerRoute({
  method: "post",
  path: "/api/v1/exports",
  scope: "exports:write",
  summary: "Create an export",
  description:
    "Renders the selection's publishable assets for each placement and format into a ZIP, in the background. Assets that may not be published (not approved, alt text not confirmed, rights expired, draft tier) are held back and listed with their reasons. Follow it with GET /api/v1/exports/{id}, or the `export.ready` webhook.",
  tags: ["Exports"],
  request: { body: { content: { "application/json": { schema: createExportBody } } } },
  responses: {
    202: json(exportSchema, "Queued."),
    404: json(
      apiErrorSchema,
      "The collection or batch does not exist or is not the token owner's to see (`not_found`).",
    ),
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/exports",
  scope: "exports:read",
  summary: "List exports",
  description: "The token owner's exports, newest first.",
  tags: ["Exports"],
  request: { query: pageQuery },
  responses: { 200: json(pageOf(exportSchema, "ExportList"), "A page of exports.") },
});

registerRoute({
  method: "get",
  path: "/api/v1/exports/{id}",
  scope: "exports:read",
  summary: "Get an export",
  description: "Status, progress, held-back assets, and once built its size, expiry and download_url.",
  tags: ["Exports"],
  request: { params: exportId },
  responses: { 200: json(exportSchema, "The export."), 404: notFound },
});

registerRoute({
  method: "get",
  path: "/api/v1/exports/{id}/download",
  scope: "exports:read",
  summary: "Download an export's ZIP",
  description: "The ZIP, streamed. Audited.",
  tags: ["Exports"],
  request: { params: exportId },
  responses: {
    200: {
      description: "The ZIP, as an attachment.",
      content: { "application/zip": { schema: z.string().meta({ format: "binary" }) } },
    },
    404: notFound,
    409: json(apiErrorSchema, "Not built yet, or failed (`conflict`); poll GET /api/v1/exports/{id}."),
    410: json(apiErrorSchema, "Expired: the ZIP was deleted (`gone`); create the export again."),
  },
});
