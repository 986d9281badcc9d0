import { desc, eq } from "drizzle-orm";
import { assetVersions } from "@/db/schema";
import { loadVisibleAsset } from "@/lib/assets/access";
import {
  assetSpend,
  decisionViews,
  generatedProvenance,
  provenanceView,
  reviewDecisionRows,
  uploadProvenance,
} from "@/lib/assets/asset-detail";
import type { Ctx } from "@/lib/auth/context";
import { latestRunResults } from "@/lib/checks/views";

/**
 * What the review page shows of the asset under review beyond its queue item (components/review/
 * review-detail.tsx): the newest check run's results, how it was made, what it cost so far, its
 * version number and re-roll depth, and the earlier decisions. The same values as getAssetDetail's
 * fields of those names, without the rest of the asset page (edit history, previous runs, re-roll and
 * rerun links): the page opens one after every decision, and on the embedded database every read runs
 * one after another, so it reads only these (the asset, then six reads sent together).
 */
export async function getReviewDetail({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadVisibleAsset(ctx, assetId);
  // The asset page's current version: the one the asset points at, else its newest.
  const currentVersion = ctx.db
    .select({ id: assetVersions.id, number: assetVersions.number })
    .from(assetVersions)
    .where(asset.currentVersionId ? eq(assetVersions.id, asset.currentVersionId) : eq(assetVersions.assetId, asset.id))
    .orderBy(desc(assetVersions.number))
    .limit(1);
  const [made, upload, decisions, [current], [spent], pointedResults] = await Promise.all([
    asset.generationId ? generatedProvenance(ctx, asset.generationId) : null,
    asset.uploadId ? uploadProvenance(ctx, asset.uploadId) : null,
    reviewDecisionRows(ctx, asset.id),
    currentVersion,
    assetSpend(ctx, asset),
    asset.currentVersionId ? latestRunResults(ctx.db, asset.currentVersionId) : null,
  ]);
  const results = pointedResults ?? (current ? await latestRunResults(ctx.db, current.id) : []);
  return {
    id: asset.id,
    version: { number: current?.number ?? 0 },
    provenance: provenanceView(asset, made),
    upload,
    spentMicros: Number(spent?.micros ?? 0),
    reroll: made ? { depth: made.gen.rerollDepth } : null,
    review: { decisions: decisionViews(decisions) },
    checks: { results },
  };
}

export type ReviewAssetDetail = Awaited<ReturnType<typeof getReviewDetail>>;
