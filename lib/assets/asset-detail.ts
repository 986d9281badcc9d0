import { desc, eq, inArray, sql } from "drizzle-orm";
import {
  assets,
  assetVersions,
  batches,
  checkRuns,
  costLedger,
  generations,
  presets,
  presetVersions,
  reviewDecisions,
  templates,
  templateVersions,
  uploads,
  users,
  type Asset,
} from "@/db/schema";
import { approvalsNeeded } from "@/lib/review/decide";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { runResults, type CheckResultView } from "@/lib/checks/views";
import { blobRouteUrl } from "@/lib/storage/keys";
import { AppError } from "@/lib/errors";
import { rerunLinks } from "@/lib/generation/rerun-asset";
import { loadVisibleAsset, seesAssetOwnedBy } from "./access";
import { assetTier } from "./tier";
import { assetTitle } from "./title";

/** Everything the asset page shows: the image, where it stands, how it was made, what the checks said, what it cost. */
export async function getAssetDetail({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadVisibleAsset(ctx, assetId);
  // Independent reads go out together (three rounds after the asset, not ten one after another):
  // on PostgreSQL they run on separate connections, and the review page opens this after every decision.
  const [made, uploaded, versions, decisions, [owner]] = await Promise.all([
    asset.generationId ? generatedProvenance(ctx, asset.generationId) : null,
    asset.uploadId ? uploadProvenance(ctx, asset.uploadId) : null,
    ctx.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset.id)).orderBy(desc(assetVersions.number)),
    reviewDecisionRows(ctx, asset.id),
    ctx.db.select({ name: users.name }).from(users).where(eq(users.id, asset.ownerId)),
  ]);
  const gen = made?.gen ?? null;
  const current = versions.find((v) => v.id === asset.currentVersionId) ?? versions[0]!;
  const [editors, runs, rerolls, [spent]] = await Promise.all([
    ctx.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(
        inArray(
          users.id,
          [...new Set(versions.flatMap((v) => (v.createdBy ? [v.createdBy] : [])))].concat(asset.ownerId),
        ),
      ),
    ctx.db
      .select()
      .from(checkRuns)
      .where(eq(checkRuns.assetVersionId, current.id))
      .orderBy(desc(checkRuns.createdAt))
      .limit(20),
    gen ? ctx.db.select({ id: generations.id }).from(generations).where(eq(generations.rerollOf, gen.id)) : [],
    assetSpend(ctx, asset),
  ]);
  const latest = runs[0];
  // The re-roll lineage: the rejected image this one replaces, and the one that replaced it.
  const related = gen ? [gen.rerollOf, ...rerolls.map((g) => g.id)].filter((id): id is string => !!id) : [];
  const [results, relatedAssets, rerun]: [
    CheckResultView[],
    { id: string; generationId: string | null; status: (typeof assets.$inferSelect)["status"] }[],
    Awaited<ReturnType<typeof rerunLinks>>,
  ] = await Promise.all([
    latest ? runResults(ctx.db, latest.id) : [],
    related.length
      ? ctx.db
          .select({ id: assets.id, generationId: assets.generationId, status: assets.status })
          .from(assets)
          .where(inArray(assets.generationId, related))
      : [],
    rerunLinks(ctx, asset),
  ]);

  return {
    id: asset.id,
    source: asset.source,
    /** What the asset is called: its title pattern over the CSV row, the upload's file name, or "Row 3, variant 1". */
    title: assetTitle({ title: asset.title, line: gen?.rowLine ?? null, variant: gen?.variantIndex ?? null }),
    /** CSV columns carried with the asset (SKU, category…): the asset page's "Product" list. */
    metadata: asset.metadata ?? {},
    status: asset.status,
    statusReason: asset.statusReason,
    /** Uploaded assets have no tier of their own; they are checked and reviewed as support (lib/assets/tier.ts). */
    tier: assetTier(asset),
    enteredReviewAt: asset.enteredReviewAt?.toISOString() ?? null,
    createdAt: asset.createdAt.toISOString(),
    owner: owner?.name ?? "",
    batch:
      gen && made
        ? {
            id: gen.batchId,
            name: made.batchName,
            campaign: made.campaign,
            line: gen.rowLine,
            variant: gen.variantIndex,
          }
        : null,
    version: {
      number: current.number,
      width: current.width,
      height: current.height,
      originalUrl: blobRouteUrl(current.blobKey),
      previewUrl: current.renditions.preview ? blobRouteUrl(current.renditions.preview.key) : null,
    },
    /** How a generated image was made (null for uploads: see `upload`). */
    provenance: provenanceView(asset, made),
    /** Who uploaded it, the file name and size (null for generated images). */
    upload: uploaded,
    usageNotes: asset.usageNotes,
    canEditNotes: asset.ownerId === ctx.actor.id || ctx.actor.role === "admin",
    /** Opens the editor: designers on their own assets, admins on any. */
    canEdit: can(ctx.actor.role, "assets.edit") && (asset.ownerId === ctx.actor.id || ctx.actor.role === "admin"),
    /** Rerun exactly (lib/generation/rerun-asset.ts): generated assets, for people who may queue generations. */
    /** The job page is the owner's (and admins'); a reviewer or a teammate seeing a shared board's asset gets no link to it. */
    canOpenBatch: can(ctx.actor.role, "batches.view") && (asset.ownerId === ctx.actor.id || ctx.actor.role === "admin"),
    canRerun: !!gen && can(ctx.actor.role, "generations.create") && seesAssetOwnedBy(ctx, asset.ownerId),
    rerun,
    reroll:
      gen && made
        ? {
            depth: gen.rerollDepth,
            limit: made.rerollLimit,
            parentAssetId: relatedAssets.find((a) => a.generationId === gen.rerollOf)?.id ?? null,
            childAsset: relatedAssets.find((a) => a.generationId !== gen.rerollOf) ?? null,
            childQueued:
              related.length > (gen.rerollOf ? 1 : 0) && !relatedAssets.some((a) => a.generationId !== gen.rerollOf),
          }
        : null,
    spentMicros: Number(spent?.micros ?? 0),
    approvalId: asset.approvalId,
    /** Edit history, newest first: each version's operation, who made it and when. */
    versions: versions.map((v) => ({
      id: v.id,
      number: v.number,
      operation: v.operation,
      by: editors.find((e) => e.id === (v.createdBy ?? asset.ownerId))?.name ?? null,
      at: v.createdAt.toISOString(),
      current: v.id === current.id,
    })),
    review: {
      approvalsNeeded: approvalsNeeded(asset),
      approvals: decisions.filter(
        (x) => x.d.assetVersionId === current.id && !x.d.undoneAt && x.d.decision.startsWith("approve"),
      ).length,
      decisions: decisionViews(decisions),
    },
    checks: {
      run: latest
        ? {
            id: latest.id,
            trigger: latest.trigger,
            status: latest.status,
            verdict: latest.verdict,
            reasonCode: latest.reasonCode,
            createdAt: latest.createdAt.toISOString(),
            decidedAt: latest.decidedAt?.toISOString() ?? null,
          }
        : null,
      results,
      previousRuns: runs
        .slice(1)
        .map((r) => ({
          id: r.id,
          trigger: r.trigger,
          verdict: r.verdict,
          reasonCode: r.reasonCode,
          createdAt: r.createdAt.toISOString(),
        })),
    },
    canRecheck: can(ctx.actor.role, "checks.manage"),
  };
}

export type AssetDetail = Awaited<ReturnType<typeof getAssetDetail>>;

/** How a generated image was made, as the asset page and the review page show it (null for uploads). */
export function provenanceView(asset: Pick<Asset, "usageNotes">, made: GeneratedProvenance | null) {
  if (!made) return null;
  const { gen } = made;
  return {
    prompt: gen.prompt,
    negativePrompt: gen.negativePrompt,
    values: gen.values,
    seed: gen.seed,
    template: `${made.templateName} v${made.templateVersion}`,
    preset: `${made.presetName} v${made.presetVersion}`,
    provider: gen.metadata?.provider.name ?? null,
    model: gen.metadata?.model ?? null,
    loras: gen.metadata?.loras ?? [],
    params: gen.metadata?.params ?? null,
    providerMs: gen.metadata?.timings?.providerMs ?? null,
    usageNotes: asset.usageNotes,
    reference: made.reference,
  };
}

/**
 * What the asset has cost so far: a generated image's calls carry its generation (its edits too); an
 * upload costs nothing, only its edits do. One row, `micros`.
 */
export function assetSpend(ctx: Ctx, asset: Pick<Asset, "id" | "generationId">) {
  return ctx.db
    .select({ micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)::bigint` })
    .from(costLedger)
    .where(asset.generationId ? eq(costLedger.generationId, asset.generationId) : eq(costLedger.assetId, asset.id));
}

/** Every review decision on the asset, newest first, with the reviewer's name and the version decided. */
export function reviewDecisionRows(ctx: Ctx, assetId: string) {
  return ctx.db
    .select({ d: reviewDecisions, reviewer: users.name, versionNumber: assetVersions.number })
    .from(reviewDecisions)
    .innerJoin(users, eq(users.id, reviewDecisions.reviewerId))
    .innerJoin(assetVersions, eq(assetVersions.id, reviewDecisions.assetVersionId))
    .where(eq(reviewDecisions.assetId, assetId))
    .orderBy(desc(reviewDecisions.createdAt));
}

export function decisionViews(rows: Awaited<ReturnType<typeof reviewDecisionRows>>) {
  return rows.map(({ d, reviewer, versionNumber }) => ({
    id: d.id,
    reviewer,
    decision: d.decision,
    reasonCode: d.reasonCode,
    comment: d.comment,
    approvalId: d.approvalId,
    version: versionNumber,
    at: d.createdAt.toISOString(),
    undone: !!d.undoneAt,
  }));
}

export type GeneratedProvenance = Awaited<ReturnType<typeof generatedProvenance>>;

/** The generation behind a generated asset, with its batch, versions and the reference image it started from. */
export async function generatedProvenance(ctx: Ctx, generationId: string) {
  const [row] = await ctx.db
    .select({
      gen: generations,
      batchName: batches.name,
      campaign: batches.campaign,
      presetName: presets.name,
      presetVersion: presetVersions.version,
      rerollLimit: presetVersions.rerollLimit,
      templateName: templates.name,
      templateVersion: templateVersions.version,
    })
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(presets, eq(presets.id, presetVersions.presetId))
    .innerJoin(templateVersions, eq(templateVersions.id, generations.templateVersionId))
    .innerJoin(templates, eq(templates.id, templateVersions.templateId))
    .where(eq(generations.id, generationId))
    .limit(1);
  if (!row) throw new AppError("not_found", "The generation that made this asset no longer exists.");
  const refId = row.gen.referenceVersionId;
  const [ref] = refId
    ? await ctx.db
        .select({ version: assetVersions, title: assets.title, ownerId: assets.ownerId })
        .from(assetVersions)
        .innerJoin(assets, eq(assets.id, assetVersions.assetId))
        .where(eq(assetVersions.id, refId))
    : [];
  // The link and thumbnail only for someone who may see the reference's asset; the fact that one was used, always.
  const visible = ref ? seesAssetOwnedBy(ctx, ref.ownerId) : false;
  const reference = ref
    ? {
        assetId: visible ? ref.version.assetId : null,
        title: visible ? ref.title || `Asset version ${ref.version.number}` : "an image you cannot see",
        version: ref.version.number,
        thumbUrl: visible && ref.version.renditions.thumb ? blobRouteUrl(ref.version.renditions.thumb.key) : null,
        strength: row.gen.metadata?.params.referenceStrength ?? null,
      }
    : null;
  return { ...row, reference };
}

/** Who uploaded an uploaded asset, its file name and size. */
export async function uploadProvenance(ctx: Ctx, uploadId: string) {
  const [row] = await ctx.db
    .select({ upload: uploads, by: users.name })
    .from(uploads)
    .innerJoin(users, eq(users.id, uploads.ownerId))
    .where(eq(uploads.id, uploadId))
    .limit(1);
  if (!row) throw new AppError("not_found", "The upload behind this asset no longer exists.");
  const u = row.upload;
  return {
    id: u.id,
    filename: u.filename,
    by: row.by,
    bytes: u.bytes,
    contentType: u.contentType,
    width: u.width,
    height: u.height,
    at: u.createdAt.toISOString(),
  };
}
