import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import {
  assets,
  batches,
  collectionAssets,
  DELIVERY_FORMATS,
  placements,
  type DeliveryFormat,
  type ExportRequest,
  type HeldBackAsset,
  type Placement,
} from "@/db/schema";
import { seesAllAssets } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { loadCollection } from "@/lib/collections/access";
import { publishProblems } from "@/lib/delivery/eligibility";
import { AppError, parseInput } from "@/lib/errors";
import { resolveSelection } from "@/lib/library/selection";
import { ASSET_COLUMNS, visibleAssetsCondition } from "@/lib/library/visibility";

/** The most assets one export takes by id (a query or a board may match more; the file cap still holds). */
export const EXPORT_ASSET_IDS_CAP = 5_000;
/** The most files one ZIP holds (assets × (placements × formats + original)): bigger is refused, never cut. */
export const EXPORT_FILE_CAP = 30_000;

const quality = z
  .number({ error: "Quality is a number from 1 to 100." })
  .int()
  .min(1, "Quality is 1 to 100.")
  .max(100, "Quality is 1 to 100.");

export const exportInput = z
  .object({
    selection: z.union(
      [
        z
          .object({
            assetIds: z
              .array(z.string().uuid("Unknown asset."))
              .min(1, "Select at least one asset.")
              .max(
                EXPORT_ASSET_IDS_CAP,
                `Export at most ${EXPORT_ASSET_IDS_CAP.toLocaleString("en")} selected assets at once.`,
              ),
          })
          .strict(),
        z.object({ query: z.string().max(1_000) }).strict(),
        z.object({ collectionId: z.string().uuid("Unknown collection.") }).strict(),
        z.object({ batchId: z.string().uuid("Unknown batch.") }).strict(),
      ],
      { error: "Choose what to export: selected assets, a library search, a collection or a batch." },
    ),
    placementIds: z.array(z.string().uuid("Unknown placement.")).max(200).default([]),
    formats: z
      .array(z.enum(DELIVERY_FORMATS, { error: "Formats are WebP, AVIF, JPEG and PNG." }))
      .min(1, "Choose at least one format.")
      .max(4),
    quality: z
      .object({ webp: quality.optional(), avif: quality.optional(), jpeg: quality.optional(), png: quality.optional() })
      .strict()
      .default({}),
    includeOriginal: z.boolean().default(false),
    name: z.string().trim().max(120, "Keep the name under 120 characters.").optional(),
  })
  .refine((v) => v.placementIds.length > 0 || v.includeOriginal, {
    message: "Choose at least one placement, or include the approved original.",
    path: ["placementIds"],
  });
export type ExportInput = z.input<typeof exportInput>;
export type ParsedExportInput = z.output<typeof exportInput>;

/** The facts about an asset an export needs, read once: whether it may go out, and what it is called. */
type Candidate = {
  id: string;
  title: string;
  status: (typeof assets.$inferSelect)["status"];
  tier: (typeof assets.$inferSelect)["tier"];
  altTextStatus: (typeof assets.$inferSelect)["altTextStatus"];
  rightsExpiresAt: Date | null;
  currentVersionId: string | null;
};

export type ExportPlan = {
  request: ExportRequest;
  placements: Placement[];
  items: { assetId: string; versionId: string }[];
  heldBack: HeldBackAsset[];
  filesPerAsset: number;
  filesTotal: number;
  /** What the selection was, for the export's default name ("Collection: Spring launch"). */
  label: string;
};

/**
 * Validates a request and resolves it NOW, with the creator's visibility (server-side): the assets
 * that go out (pinned to their current version) and those held back, each with its reasons. Both
 * the dry run (the dialog's preview) and the real create use it, so they agree.
 */
export async function planExport({
  ctx,
  input,
  fileCap = EXPORT_FILE_CAP,
}: {
  ctx: Ctx;
  input: unknown;
  fileCap?: number;
}): Promise<ExportPlan> {
  if (!can(ctx.actor.role, "exports.create")) throw new AppError("forbidden", "Your role does not export assets.");
  const parsed = parseInput(exportInput, input);
  const chosen = await loadActivePlacements(ctx, parsed.placementIds);
  const { ids, label } = await resolveExportSelection(ctx, parsed.selection);
  const candidates = await loadCandidates(ctx, ids);
  const now = new Date();
  const items: ExportPlan["items"] = [];
  const heldBack: HeldBackAsset[] = [];
  for (const a of candidates) {
    const reasons = publishProblems(a, now);
    if (!a.currentVersionId) reasons.push("no stored image");
    if (reasons.length) heldBack.push({ assetId: a.id, title: a.title || "Untitled asset", reasons });
    else items.push({ assetId: a.id, versionId: a.currentVersionId! });
  }
  const formats = [...new Set(parsed.formats)] as DeliveryFormat[];
  const filesPerAsset = chosen.length * formats.length + (parsed.includeOriginal ? 1 : 0);
  const filesTotal = items.length * filesPerAsset;
  if (filesTotal > fileCap) {
    throw new AppError(
      "invalid_input",
      `This export would hold ${filesTotal.toLocaleString("en")} files (${items.length.toLocaleString("en")} assets × ${filesPerAsset} files each); one export holds at most ${fileCap.toLocaleString("en")}. Choose fewer assets, placements or formats.`,
      { fields: { selection: ["too many files"] } },
    );
  }
  const request: ExportRequest = {
    selection: parsed.selection,
    placementIds: chosen.map((p) => p.id),
    formats,
    quality: parsed.quality,
    includeOriginal: parsed.includeOriginal,
    items,
  };
  return { request, placements: chosen, items, heldBack, filesPerAsset, filesTotal, label };
}

async function loadActivePlacements(ctx: Ctx, ids: string[]): Promise<Placement[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const rows = await ctx.db
    .select()
    .from(placements)
    .where(and(inArray(placements.id, unique), isNull(placements.archivedAt)))
    .orderBy(asc(placements.sortOrder), asc(placements.name));
  if (rows.length !== unique.length) {
    throw new AppError(
      "invalid_input",
      "A chosen placement no longer exists or was archived; reload and choose again.",
      { fields: { placementIds: ["unknown or archived"] } },
    );
  }
  return rows;
}

/** Asset ids of the selection that the creator may see. Never another designer's private asset. */
async function resolveExportSelection(
  ctx: Ctx,
  selection: ParsedExportInput["selection"],
): Promise<{ ids: string[]; label: string }> {
  if ("assetIds" in selection) {
    const ids = await resolveSelection({ ctx, selection: { assetIds: selection.assetIds } });
    return { ids, label: `${selection.assetIds.length} selected asset${selection.assetIds.length === 1 ? "" : "s"}` };
  }
  if ("query" in selection) {
    const ids = await resolveSelection({ ctx, selection: { query: selection.query } });
    return {
      ids,
      label: selection.query.trim() ? `Search: ${selection.query.trim().slice(0, 100)}` : "All library results",
    };
  }
  if ("collectionId" in selection) {
    const collection = await loadCollection(ctx, selection.collectionId, "see");
    const rows = await ctx.db
      .select({ id: assets.id })
      .from(collectionAssets)
      .innerJoin(assets, eq(assets.id, collectionAssets.assetId))
      .where(and(eq(collectionAssets.collectionId, selection.collectionId), visibleAssetsCondition(ctx, ASSET_COLUMNS)))
      .orderBy(asc(collectionAssets.createdAt));
    return { ids: rows.map((r) => r.id), label: `Collection: ${collection.name}` };
  }
  const [batch] = await ctx.db
    .select({ ownerId: batches.ownerId, name: batches.name })
    .from(batches)
    .where(eq(batches.id, selection.batchId))
    .limit(1);
  if (!batch || (batch.ownerId !== ctx.actor.id && !seesAllAssets(ctx)))
    throw new AppError("not_found", "That batch does not exist or is not yours.");
  const rows = await ctx.db
    .select({ id: assets.id })
    .from(assets)
    .where(and(eq(assets.batchId, selection.batchId), visibleAssetsCondition(ctx, ASSET_COLUMNS)))
    .orderBy(asc(assets.createdAt), asc(assets.id));
  return { ids: rows.map((r) => r.id), label: `Batch: ${batch.name}` };
}

async function loadCandidates(ctx: Ctx, ids: string[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  // In slices: one statement with thousands of parameters is slow on PGlite.
  for (let i = 0; i < ids.length; i += 1_000) {
    const slice = ids.slice(i, i + 1_000);
    const rows = await ctx.db
      .select({
        id: assets.id,
        title: assets.title,
        status: assets.status,
        tier: assets.tier,
        altTextStatus: assets.altTextStatus,
        rightsExpiresAt: assets.rightsExpiresAt,
        currentVersionId: assets.currentVersionId,
      })
      .from(assets)
      .where(inArray(assets.id, slice));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of slice) {
      const r = byId.get(id);
      if (r) out.push(r);
    }
  }
  return out;
}

/** Used by the dialog to count before submitting. */
export type ExportPreview = {
  assetsIncluded: number;
  filesTotal: number;
  heldBack: HeldBackAsset[];
};

export async function previewExport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ExportPreview> {
  const plan = await planExport({ ctx, input });
  return { assetsIncluded: plan.items.length, filesTotal: plan.filesTotal, heldBack: plan.heldBack };
}
