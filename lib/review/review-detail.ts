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
import { compareVersion } from "./compare";

/**
 * What the review page shows of the asset under review beyond its queue item (components/review/
 * review-detail.tsx): the newest check run's results, how it was made, what it cost so far, its
 * version number and re-roll depth, and the earlier decisions. The same values as getAssetDetail's
 * fields of those names, without the rest of the asset page (edit history, previous runs, re-roll and
 * rerun links), plus the version to compare with: the page opens one after every decision, and on the
 * embedded database every read runs one after another, so it reads only these (the asset, then six
 * reads sent together).
 */
export async function getReviewDetail({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadVisibleAsset(ctx, assetId);
  // Every version (an asset has a handful): the current one, and the one to compare it with.
  const allVersions = ctx.db
    .select()
    .from(assetVersions)
    .where(eq(assetVersions.assetId, asset.id))
    .orderBy(desc(assetVersions.number));
  const [made, upload, decisions, versions, [spent], pointedResults] = await Promise.all([
    asset.generationId ? generatedProvenance(ctx, asset.generationId) : null,
    asset.uploadId ? uploadProvenance(ctx, asset.uploadId) : null,
    reviewDecisionRows(ctx, asset.id),
    allVersions,
    assetSpend(ctx, asset),
    asset.currentVersionId ? latestRunResults(ctx.db, asset.currentVersionId) : null,
  ]);
  // The asset page's current version: the one the asset points at, else its newest.
  const current = versions.find((v) => v.id === asset.currentVersionId) ?? versions[0];
  const decisionList = decisionViews(decisions);
  const results = pointedResults ?? (current ? await latestRunResults(ctx.db, current.id) : []);
  return {
    id: asset.id,
    version: { number: current?.number ?? 0 },
    provenance: provenanceView(asset, made),
    upload,
    spentMicros: Number(spent?.micros ?? 0),
    reroll: made ? { depth: made.gen.rerollDepth } : null,
    review: { decisions: decisionList },
    checks: { results },
    /** The version shown beside the one under review (decision 0028), or null for a first version. */
    compare: current ? compareVersion(versions, current, decisionList) : null,
  };
}

export type ReviewAssetDetail = Awaited<ReturnType<typeof getReviewDetail>>;
