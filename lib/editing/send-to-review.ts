import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { assets, reviewDecisions } from "@/db/schema";
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

/** Why a version cannot be sent to review, or null when it can (the editor shows the reason on the button). */
export function sendToReviewBlocker(
  a: { tier: string; status: string; currentVersionId: string | null },
  versionId: string,
  humanRejected: boolean,
): string | null {
  if (a.currentVersionId !== versionId) return "Only the current version goes to review: restore this one first.";
  if (a.tier === "draft") return "Draft images are for exploration and are not reviewed.";
  if (a.status === "in_review") return "Already waiting for review.";
  if (a.status === "checking")
    return "The automated checks are still running; it goes to review by itself if they ask for a person.";
  if (a.status === "approved") return "Already approved.";
  if (a.status === "rejected" && humanRejected)
    return "A reviewer rejected this version: edit it, and the new version goes to review.";
  if (a.status === "changes_requested")
    return "The reviewer asked for changes: edit it, and the new version goes to review.";
  return null;
}

/**
 * Asks for a person to look at the current version when the automated checks rejected it (the
 * designer thinks the checks are wrong). Every other path into review is automatic: an edit sends
 * its new version through the checks, which put it in review where the tier needs one.
 */
export async function sendToReview({ ctx, input }: { ctx: Ctx; input: z.input<typeof sendToReviewInput> }) {
  const data = parseInput(sendToReviewInput, input);
  const { asset, version } = await loadEditableVersion(ctx, data.assetId, data.versionNumber);
  const human = await ctx.db
    .select({ id: reviewDecisions.id })
    .from(reviewDecisions)
    .where(and(eq(reviewDecisions.assetVersionId, version.id), eq(reviewDecisions.decision, "reject")))
    .limit(1);
  const blocker = sendToReviewBlocker({ ...asset, tier: assetTier(asset) }, version.id, human.length > 0);
  if (blocker) throw new AppError("conflict", blocker);
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(assets)
      .set({ status: "in_review", enteredReviewAt: new Date(), updatedAt: new Date() })
      .where(and(eq(assets.id, asset.id), eq(assets.status, asset.status), eq(assets.currentVersionId, version.id)))
      .returning();
    if (!updated) throw new AppError("conflict", "The asset changed meanwhile; reload and try again.");
    await refreshAssetSearch(tx, [asset.id]);
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "asset.sent_to_review",
        subject: { type: "asset", id: asset.id },
        data: { version: version.number, previousStatus: asset.status, previousReason: asset.statusReason },
        ip: ctx.ip,
      },
    });
    return updated;
  });
}
