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
  users,
} from "@/db/schema";
import { approvalsNeeded } from "@/lib/review/decide";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { runResults, type CheckResultView } from "@/lib/checks/views";
import { blobRouteUrl } from "@/lib/storage/keys";
import { AppError } from "@/lib/errors";
import { loadVisibleAsset } from "./access";
import { assetTitle } from "./title";

/** Everything the asset page shows: the image, where it stands, how it was made, what the checks said, what it cost. */
export async function getAssetDetail({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadVisibleAsset(ctx, assetId);
  // INTERIM (issue 15, uploads-as-assets helper replaces this): uploaded assets need their own detail.
  const generationId = asset.generationId;
  if (!generationId) throw new AppError("not_found", "This asset was uploaded; its page is not built yet.");
  const [row] = await ctx.db
    .select({
      gen: generations,
      batchName: batches.name,
      campaign: batches.campaign,
      owner: users.name,
      presetName: presets.name,
      presetVersion: presetVersions.version,
      rerollLimit: presetVersions.rerollLimit,
      templateName: templates.name,
      templateVersion: templateVersions.version,
    })
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .innerJoin(users, eq(users.id, generations.ownerId))
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(presets, eq(presets.id, presetVersions.presetId))
    .innerJoin(templateVersions, eq(templateVersions.id, generations.templateVersionId))
    .innerJoin(templates, eq(templates.id, templateVersions.templateId))
    .where(eq(generations.id, generationId))
    .limit(1);
  const gen = row!.gen;
  const versions = await ctx.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset.id)).orderBy(desc(assetVersions.number));
  const editors = await ctx.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, [...new Set(versions.flatMap((v) => (v.createdBy ? [v.createdBy] : [])))].concat(asset.ownerId)));
  const current = versions.find((v) => v.id === asset.currentVersionId) ?? versions[0]!;
  const runs = await ctx.db.select().from(checkRuns).where(eq(checkRuns.assetVersionId, current.id)).orderBy(desc(checkRuns.createdAt)).limit(20);
  const latest = runs[0];
  const results: CheckResultView[] = latest ? await runResults(ctx.db, latest.id) : [];

  // The re-roll lineage: the rejected image this one replaces, and the one that replaced it.
  const related = [
    gen.rerollOf,
    ...(await ctx.db.select({ id: generations.id }).from(generations).where(eq(generations.rerollOf, gen.id))).map((g) => g.id),
  ].filter((id): id is string => !!id);
  const relatedAssets = related.length
    ? await ctx.db.select({ id: assets.id, generationId: assets.generationId, status: assets.status }).from(assets).where(inArray(assets.generationId, related))
    : [];
  const decisions = await ctx.db
    .select({ d: reviewDecisions, reviewer: users.name, versionNumber: assetVersions.number })
    .from(reviewDecisions)
    .innerJoin(users, eq(users.id, reviewDecisions.reviewerId))
    .innerJoin(assetVersions, eq(assetVersions.id, reviewDecisions.assetVersionId))
    .where(eq(reviewDecisions.assetId, asset.id))
    .orderBy(desc(reviewDecisions.createdAt));
  const [spent] = await ctx.db
    .select({ micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)::bigint` })
    .from(costLedger)
    .where(eq(costLedger.generationId, gen.id));

  return {
    id: asset.id,
    /** What the asset is called: its title pattern over the CSV row, or "Row 3, variant 1". */
    title: assetTitle({ title: asset.title, line: gen.rowLine, variant: gen.variantIndex }),
    /** CSV columns carried with the asset (SKU, category…): the asset page's "Product" list. */
    metadata: asset.metadata ?? {},
    status: asset.status,
    statusReason: asset.statusReason,
    tier: asset.tier,
    enteredReviewAt: asset.enteredReviewAt?.toISOString() ?? null,
    createdAt: asset.createdAt.toISOString(),
    owner: row!.owner,
    batch: { id: gen.batchId, name: row!.batchName, campaign: row!.campaign, line: gen.rowLine, variant: gen.variantIndex },
    version: {
      number: current.number,
      width: current.width,
      height: current.height,
      originalUrl: blobRouteUrl(current.blobKey),
      previewUrl: current.renditions.preview ? blobRouteUrl(current.renditions.preview.key) : null,
    },
    provenance: {
      prompt: gen.prompt,
      negativePrompt: gen.negativePrompt,
      values: gen.values,
      seed: gen.seed,
      template: `${row!.templateName} v${row!.templateVersion}`,
      preset: `${row!.presetName} v${row!.presetVersion}`,
      provider: gen.metadata?.provider.name ?? null,
      model: gen.metadata?.model ?? null,
      loras: gen.metadata?.loras ?? [],
      params: gen.metadata?.params ?? null,
      providerMs: gen.metadata?.timings?.providerMs ?? null,
      usageNotes: asset.usageNotes,
    },
    canEditNotes: asset.ownerId === ctx.actor.id || ctx.actor.role === "admin",
    /** Opens the editor: designers on their own assets, admins on any. */
    canEdit: can(ctx.actor.role, "assets.edit") && (asset.ownerId === ctx.actor.id || ctx.actor.role === "admin"),
    reroll: {
      depth: gen.rerollDepth,
      limit: row!.rerollLimit,
      parentAssetId: relatedAssets.find((a) => a.generationId === gen.rerollOf)?.id ?? null,
      childAsset: relatedAssets.find((a) => a.generationId !== gen.rerollOf) ?? null,
      childQueued: related.length > (gen.rerollOf ? 1 : 0) && !relatedAssets.some((a) => a.generationId !== gen.rerollOf),
    },
    spentMicros: Number(spent?.micros ?? 0),
    approvalId: asset.approvalId,
    /** Edit history, newest first: each version's operation, who made it and when. */
    versions: versions.map((v) => ({
      number: v.number,
      operation: v.operation,
      by: editors.find((e) => e.id === (v.createdBy ?? asset.ownerId))?.name ?? null,
      at: v.createdAt.toISOString(),
      current: v.id === current.id,
    })),
    review: {
      approvalsNeeded: approvalsNeeded(asset),
      approvals: decisions.filter((x) => x.d.assetVersionId === current.id && !x.d.undoneAt && x.d.decision.startsWith("approve")).length,
      decisions: decisions.map(({ d, reviewer, versionNumber }) => ({
        id: d.id,
        reviewer,
        decision: d.decision,
        reasonCode: d.reasonCode,
        comment: d.comment,
        approvalId: d.approvalId,
        version: versionNumber,
        at: d.createdAt.toISOString(),
        undone: !!d.undoneAt,
      })),
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
        .map((r) => ({ id: r.id, trigger: r.trigger, verdict: r.verdict, reasonCode: r.reasonCode, createdAt: r.createdAt.toISOString() })),
    },
    canRecheck: can(ctx.actor.role, "checks.manage"),
  };
}

export type AssetDetail = Awaited<ReturnType<typeof getAssetDetail>>;
