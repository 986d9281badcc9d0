import { DECISION_LABEL } from "@/lib/labels";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { assets, notifications, reviewDecisions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { withTitle } from "./decide";

/** How long a reviewer can take back their last decision (U on the review page). */
export const UNDO_WINDOW_MS = 60_000;

const undoInput = z.object({ decisionId: z.string().uuid("Unknown decision.") });

/**
 * Takes back a reviewer's own latest decision on an asset within the window, if nothing happened to
 * the asset since: the asset returns to review, the decision stays on record marked undone.
 */
export async function undoDecision({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ assetId: string }> {
  const { decisionId } = parseInput(undoInput, input);
  return ctx.db.transaction(async (tx) => {
    // Locked: two undos of the same decision at once must not both pass the undoneAt check.
    const [decision] = await tx
      .select()
      .from(reviewDecisions)
      .where(eq(reviewDecisions.id, decisionId))
      .limit(1)
      .for("update");
    if (!decision || decision.reviewerId !== ctx.actor.id)
      throw new AppError("not_found", "That decision does not exist or is not yours.");
    if (decision.undoneAt) throw new AppError("conflict", "That decision was already undone.");
    if (Date.now() - decision.createdAt.getTime() > UNDO_WINDOW_MS)
      throw new AppError("conflict", `Decisions can be undone for ${UNDO_WINDOW_MS / 1000} seconds; this one stands.`);
    const [asset] = await tx.select().from(assets).where(eq(assets.id, decision.assetId)).limit(1).for("update");
    const [later] = await tx
      .select({ id: reviewDecisions.id })
      .from(reviewDecisions)
      // Compared in SQL: decision.createdAt went through a JS Date (milliseconds), the column keeps microseconds,
      // so comparing against the Date would find the decision itself "later" than itself.
      .where(
        and(
          eq(reviewDecisions.assetId, decision.assetId),
          ne(reviewDecisions.id, decision.id),
          isNull(reviewDecisions.undoneAt),
          gt(reviewDecisions.createdAt, sql`(select d.created_at from review_decisions d where d.id = ${decision.id})`),
        ),
      )
      .orderBy(desc(reviewDecisions.createdAt))
      .limit(1);
    if (later || asset!.currentVersionId !== decision.assetVersionId)
      throw new AppError("conflict", "Someone acted on this asset since; the decision can no longer be undone.");

    await tx.update(reviewDecisions).set({ undoneAt: new Date() }).where(eq(reviewDecisions.id, decision.id));
    await tx
      .update(assets)
      .set({
        status: "in_review",
        statusReason:
          decision.decision === "reject" || decision.decision === "request_changes" ? null : asset!.statusReason,
        approvalId: decision.approvalId ? null : asset!.approvalId,
        approvedAt: decision.approvalId ? null : asset!.approvedAt,
        rejectedAt: decision.decision === "reject" ? null : asset!.rejectedAt,
        updatedAt: new Date(),
      })
      .where(eq(assets.id, decision.assetId));
    await refreshAssetSearch(tx, [decision.assetId]);
    await tx.insert(notifications).values({
      userId: asset!.ownerId,
      assetId: asset!.id,
      kind: "review.undone",
      message: withTitle(
        asset!.title,
        `${ctx.actor.name} took back their decision (${DECISION_LABEL[decision.decision] ?? decision.decision}); the asset is back in review.`,
      ),
    });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "review.undone",
        subject: { type: "asset", id: decision.assetId },
        data: { decisionId, decision: decision.decision },
        ip: ctx.ip,
      },
    });
    return { assetId: decision.assetId };
  });
}
