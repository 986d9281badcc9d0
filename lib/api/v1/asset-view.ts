import { getAltTextView } from "@/lib/alt-text/view";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import type { Ctx } from "@/lib/auth/context";
import { downloadChoices } from "@/lib/delivery/download";
import { publishProblems } from "@/lib/delivery/eligibility";
import { searchLibrary, type LibraryItem } from "@/lib/library/search";
import { listActivePlacements } from "@/lib/placements";
import { getRightsCard, rightsState } from "@/lib/rights";
import { DELIVERY_FORMATS } from "@/db/schema";
import type { Page } from "../pagination";
import type { ApiAsset, ApiAssetSummary } from "./asset-schemas";
import { apiUrl } from "./urls";

export const assetUrl = (id: string) => apiUrl(`/api/v1/assets/${id}`);
export const versionDownloadUrl = (id: string, version: number | "current", format?: string) =>
  apiUrl(`/api/v1/assets/${id}/versions/${version}/download`, { format });
export const placementUrl = (id: string, slug: string) => apiUrl(`/api/v1/assets/${id}/placements/${slug}`);

function summaryOf(item: LibraryItem): ApiAssetSummary {
  return {
    object: "asset",
    id: item.id,
    title: item.title,
    status: item.status,
    status_reason: item.statusReason,
    tier: item.tier,
    source: item.source,
    campaign: item.campaign,
    owner_name: item.ownerName,
    tags: item.tags,
    width: item.width,
    height: item.height,
    cost_micros: item.costMicros,
    currency: "usd",
    created_at: item.createdAt,
    approved_at: item.approvedAt,
    rights_expires_at: item.rightsExpiresAt,
    url: assetUrl(item.id),
    download_url: versionDownloadUrl(item.id, "current"),
  };
}

/**
 * One page of the library search, as the console's library runs it (same grammar, same visibility,
 * same keyset cursor: opaque, and stable while assets are added), in Stripe's list shape.
 */
export async function searchApiAssets(
  ctx: Ctx,
  query: { q: string; sort: string; limit: number; cursor?: string },
): Promise<Page<ApiAssetSummary>> {
  const page = await searchLibrary({ ctx, input: query });
  return {
    object: "list",
    data: page.items.map(summaryOf),
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor,
  };
}

/**
 * The asset page's facts for an integration: the lib verbs the asset page itself uses (each loads
 * the asset through the same visibility rule, so an asset one may not see is a 404), mapped to the
 * public shape, with the links to its files and whether it may be published.
 */
export async function getApiAsset(ctx: Ctx, assetId: string, now = new Date()): Promise<ApiAsset> {
  const detail = await getAssetDetail({ ctx, assetId });
  const [alt, rights, choices, placements] = await Promise.all([
    getAltTextView({ ctx, assetId }),
    getRightsCard({ ctx, assetId }),
    downloadChoices({ ctx, assetId }),
    listActivePlacements(ctx.db),
  ]);
  const problems = publishProblems(
    {
      status: detail.status,
      tier: detail.tier,
      altTextStatus: alt.status,
      rightsExpiresAt: rights.expiresAt ? new Date(rights.expiresAt) : null,
    },
    now,
  );
  const sizes = new Map(choices.versions.map((v) => [v.number, v]));
  const run = detail.checks.run;
  return {
    object: "asset",
    id: detail.id,
    title: detail.title,
    status: detail.status,
    status_reason: detail.statusReason,
    tier: detail.tier,
    source: detail.source,
    owner_name: detail.owner,
    columns: detail.metadata,
    batch: detail.batch ? { id: detail.batch.id, name: detail.batch.name, campaign: detail.batch.campaign } : null,
    cost_micros: detail.spentMicros,
    currency: "usd",
    created_at: detail.createdAt,
    entered_review_at: detail.enteredReviewAt,
    approval_id: detail.approvalId,
    approvals: { given: detail.review.approvals, needed: detail.review.approvalsNeeded },
    alt_text: { text: alt.text, status: alt.status, confirmed_at: alt.confirmedAt },
    usage_rights: {
      licence: rights.licence,
      channels: rights.channels,
      expires_at: rights.expiresAt,
      state: rightsState(rights.expiresAt, now),
    },
    versions: detail.versions.map((v) => {
      const size = sizes.get(v.number);
      return {
        object: "asset_version" as const,
        id: v.id,
        number: v.number,
        current: v.current,
        width: size?.width ?? 0,
        height: size?.height ?? 0,
        operation: v.operation,
        created_by: v.by,
        created_at: v.at,
        original_format: size?.original ?? null,
        download_url: versionDownloadUrl(detail.id, v.number, "original"),
      };
    }),
    checks: {
      verdict: run?.verdict ?? null,
      decided_at: run?.decidedAt ?? null,
      results: detail.checks.results.map((r) => ({
        check: r.checkId,
        label: r.label,
        verdict: r.verdict,
        reason_code: r.reasonCode,
        reason: r.detail || r.error || null,
        score: r.score,
        threshold: r.threshold,
      })),
    },
    decisions: detail.review.decisions.map((d) => ({
      object: "review_decision" as const,
      id: d.id,
      decision: d.decision,
      reason_code: d.reasonCode,
      note: d.comment,
      reviewer: d.reviewer,
      version: d.version,
      approval_id: d.approvalId,
      undone: d.undone,
      created_at: d.at,
    })),
    publishable: problems.length === 0,
    publish_problems: problems,
    renditions: {
      formats: DELIVERY_FORMATS.map((format) => ({
        format,
        url: versionDownloadUrl(detail.id, detail.version.number, format),
      })),
      placements: placements.map((p) => ({
        slug: p.slug,
        name: p.name,
        channel: p.channel,
        width: p.width,
        height: p.height,
        default_format: p.defaultFormat,
        url: problems.length ? null : placementUrl(detail.id, p.slug),
      })),
    },
    url: assetUrl(detail.id),
    download_url: versionDownloadUrl(detail.id, detail.version.number, "original"),
  };
}
