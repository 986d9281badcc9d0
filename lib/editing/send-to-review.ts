import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { assets, checkRuns, reviewDecisions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { loadEditableVersion } from "./request-edit";
import { assetTier } from "@/lib/assets/tier";
import { refreshAssetSearch } from "@/lib/library/refresh";

export const sendToReviewInput = z.object({
  assetId: z.string().uuid("Unknown asset."),
  versionNumber: z.number().int().positive(),
});

/** What sendToReviewBlocker needs to know about one version. */
export type VersionForReview = {
  id: string;
  /** The newest check run's status ("running" until decided); null when the version was never checked. */
  checks: string | null;
  /** A standing (not undone) reject or request-changes on this version, if any. */
  refusal: "reject" | "request_changes" | null;
};

/**
 * Why a version cannot be sent to review, or null when it can (the editor shows the reason beside
 * the button). Any version may go, not only the newest (decision 0028): draft work is never
 * reviewed; a version must have finished its checks; the version already in review or approved is
 * not sent twice; a version a reviewer turned down is edited, not re-sent.
 */
export function sendToReviewBlocker(
  a: { tier: string; status: string; currentVersionId: string | null },
  v: VersionForReview,
): string | null {
  if (a.tier === "draft") return "Draft images are for exploration and are not reviewed.";
  if (v.checks === "running")
    return "The automated checks are still running on this version; send it when they finish.";
  const current = a.currentVersionId === v.id;
  if (current && a.status === "in_review") return "Already waiting for review.";
  if (current && a.status === "checking") return "The automated checks are still running on this version.";
  if (current && a.status === "approved") return "Already approved.";
  if (v.refusal === "reject") return "A reviewer rejected this version: edit it and send the new version.";
  if (v.refusal === "request_changes")
    return "A reviewer asked for changes on this version: edit it and send the new version.";
  return null;
}

/** The facts sendToReviewBlocker needs for the given versions of one asset (newest run, standing refusals). */
export async function versionsForReview(db: Ctx["db"], versionIds: string[]): Promise<Map<string, VersionForReview>> {
  const out = new Map<string, VersionForReview>(versionIds.map((id) => [id, { id, checks: null, refusal: null }]));
  if (!versionIds.length) return out;
  const [runs, refusals] = await Promise.all([
    db
      .select({ versionId: checkRuns.assetVersionId, status: checkRuns.status })
      .from(checkRuns)
      .where(inArray(checkRuns.assetVersionId, versionIds))
      .orderBy(desc(checkRuns.createdAt)),
    db
      .select({ versionId: reviewDecisions.assetVersionId, decision: reviewDecisions.decision })
      .from(reviewDecisions)
      .where(
        and(
          inArray(reviewDecisions.assetVersionId, versionIds),
          inArray(reviewDecisions.decision, ["reject", "request_changes"]),
          isNull(reviewDecisions.undoneAt),
        ),
      ),
  ]);
  for (const v of out.values()) {
    v.checks = runs.find((r) => r.versionId === v.id)?.status ?? null;
    const r = refusals.find((x) => x.versionId === v.id)?.decision;
    v.refusal = r === "reject" || r === "request_changes" ? r : null;
  }
  return out;
}

/**
 * The designer sends a chosen version to review (decision 0028). Edits do not enter review by
 * themselves: each new version stays with the designer until sent. Sending a version that is not the
 * current one makes it current (like a restore, without a copy) and submits it; the version it
 * replaces keeps its decisions. Sending withdraws the approval of the version it replaces — the
 * library delivers the current version, and only once it is approved.
 */
export async function sendToReview({ ctx, input }: { ctx: Ctx; input: z.input<typeof sendToReviewInput> }) {
  const data = parseInput(sendToReviewInput, input);
  const { asset, version } = await loadEditableVersion(ctx, data.assetId, data.versionNumber);
  const facts = (await versionsForReview(ctx.db, [version.id])).get(version.id)!;
  const blocker = sendToReviewBlocker({ ...asset, tier: assetTier(asset) }, facts);
  if (blocker) throw new AppError("conflict", blocker);
  return ctx.db.transaction(async (tx) => {
    const replaced = asset.currentVersionId !== version.id;
    const now = new Date();
    const [updated] = await tx
      .update(assets)
      .set({
        currentVersionId: version.id,
        status: "in_review",
        // Another version's decisions say nothing about this one.
        ...(replaced ? { statusReason: null, approvalId: null, approvedAt: null, rejectedAt: null } : {}),
        enteredReviewAt: now,
        updatedAt: now,
      })
      .where(
        and(
          eq(assets.id, asset.id),
          eq(assets.status, asset.status),
          asset.currentVersionId ? eq(assets.currentVersionId, asset.currentVersionId) : undefined,
        ),
      )
      .returning();
    if (!updated) throw new AppError("conflict", "The asset changed meanwhile; reload and try again.");
    await refreshAssetSearch(tx, [asset.id]);
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "asset.sent_to_review",
        subject: { type: "asset", id: asset.id },
        data: {
          version: version.number,
          previousStatus: asset.status,
          previousReason: asset.statusReason,
          ...(replaced ? { replacedVersionId: asset.currentVersionId, withdrewApproval: !!asset.approvalId } : {}),
        },
        ip: ctx.ip,
      },
    });
    return updated;
  });
}
