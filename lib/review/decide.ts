import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db";
import {
  assets,
  assetVersions,
  notifications,
  rejectReasons,
  reviewClaims,
  reviewDecisions,
  users,
  type Asset,
  type ReviewDecision,
} from "@/db/schema";
import { draftAltTextOnApproval } from "@/lib/alt-text/hook";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { TIER_POLICY } from "@/lib/checks/policy";
import { evaluateStopLoss } from "@/lib/budgets/stop-loss";
import { AppError, parseInput } from "@/lib/errors";
import { assetTier } from "@/lib/assets/tier";
import { DECISION_NOTICE } from "@/lib/labels";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { webhooksAfterDecisions } from "@/lib/webhooks/hooks";

export const decideInput = z
  .object({
    assetId: z.string().uuid("Unknown asset."),
    /** The version the reviewer looked at: a decision on an older one is refused. */
    assetVersionId: z.string().uuid("Unknown asset version."),
    decision: z.enum(["approve", "approve_with_changes", "request_changes", "reject"], { error: "Choose a decision." }),
    reasonCode: z.string().trim().max(40).optional(),
    comment: z.string().trim().max(2000, "Comments are at most 2,000 characters.").optional(),
  })
  .superRefine((v, issue) => {
    if ((v.decision === "approve_with_changes" || v.decision === "request_changes") && (v.comment?.length ?? 0) < 3)
      issue.addIssue({ code: "custom", path: ["comment"], message: "Say what must change: a comment is required." });
    if (v.decision === "reject" && !v.reasonCode)
      issue.addIssue({ code: "custom", path: ["reasonCode"], message: "Pick a reason to reject." });
  });

const APPROVALS = ["approve", "approve_with_changes"] as const;

/** How many distinct approvals an asset needs (hero: two reviewers; anything in review needs one). */
export function approvalsNeeded(asset: Pick<Asset, "tier">): number {
  return Math.max(1, TIER_POLICY[assetTier(asset)].approvalsRequired);
}

function newApprovalId(): string {
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  return `KA-${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

export type DecisionOutcome = {
  decision: ReviewDecision;
  status: Asset["status"];
  approvals: number;
  approvalsNeeded: number;
};

/** Locks the asset and applies every rule a decision must pass; used by decide and by bulk approve. */
async function decideLocked(tx: Tx, ctx: Ctx, input: z.infer<typeof decideInput>): Promise<DecisionOutcome> {
  if (ctx.actor.role !== "reviewer" && ctx.actor.role !== "admin")
    throw new AppError("forbidden", "Only reviewers decide on assets.");
  const [asset] = await tx.select().from(assets).where(eq(assets.id, input.assetId)).limit(1).for("update");
  if (!asset) throw new AppError("not_found", "That asset does not exist.");

  const authors = await tx
    .select({ id: assetVersions.createdBy })
    .from(assetVersions)
    .where(eq(assetVersions.assetId, asset.id));
  if (asset.ownerId === ctx.actor.id || authors.some((a) => a.id === ctx.actor.id))
    throw new AppError("forbidden", "You generated or edited this asset, so another reviewer must decide on it.");

  if (asset.status !== "in_review") {
    const [last] = await tx
      .select({ decision: reviewDecisions.decision, name: users.name })
      .from(reviewDecisions)
      .innerJoin(users, eq(users.id, reviewDecisions.reviewerId))
      .where(and(eq(reviewDecisions.assetId, asset.id), isNull(reviewDecisions.undoneAt)))
      .orderBy(desc(reviewDecisions.createdAt))
      .limit(1);
    throw new AppError(
      "conflict",
      `Already decided${last ? ` by ${last.name} (${last.decision.replaceAll("_", " ")})` : ""}: this asset is ${asset.status.replace("_", " ")}.`,
    );
  }
  if (asset.currentVersionId !== input.assetVersionId)
    throw new AppError(
      "conflict",
      "This asset has a newer version than the one you reviewed; open it again to see the current version.",
    );

  const [claim] = await tx
    .select({ reviewerId: reviewClaims.reviewerId, expiresAt: reviewClaims.expiresAt, name: users.name })
    .from(reviewClaims)
    .innerJoin(users, eq(users.id, reviewClaims.reviewerId))
    .where(eq(reviewClaims.assetId, asset.id))
    .limit(1);
  if (claim && claim.reviewerId !== ctx.actor.id && claim.expiresAt > new Date())
    throw new AppError(
      "conflict",
      `${claim.name} has claimed this asset until ${claim.expiresAt.toISOString().slice(11, 16)} UTC; it comes back to the queue when their claim expires.`,
    );

  // The reason's label (what the designer reads in the notification), never its code.
  let reasonText: string | undefined;
  if (input.decision === "reject") {
    const [reason] = await tx.select().from(rejectReasons).where(eq(rejectReasons.code, input.reasonCode!)).limit(1);
    if (!reason?.active)
      throw new AppError("invalid_input", "Pick a reason from the list.", {
        fields: { reasonCode: ["Unknown reason."] },
      });
    reasonText = reason.label;
  }

  const approvals = await tx
    .select({ reviewerId: reviewDecisions.reviewerId })
    .from(reviewDecisions)
    .where(
      and(
        eq(reviewDecisions.assetVersionId, input.assetVersionId),
        isNull(reviewDecisions.undoneAt),
        inArray(reviewDecisions.decision, [...APPROVALS]),
      ),
    );
  const isApproval = (APPROVALS as readonly string[]).includes(input.decision);
  if (isApproval && approvals.some((a) => a.reviewerId === ctx.actor.id))
    throw new AppError("conflict", "You already approved this version; a second reviewer must approve it too.");
  const needed = approvalsNeeded(asset);
  const count = approvals.length + (isApproval ? 1 : 0);
  const approved = isApproval && count >= needed;
  const approvalId = approved ? newApprovalId() : null;

  const [decision] = await tx
    .insert(reviewDecisions)
    .values({
      assetId: asset.id,
      assetVersionId: input.assetVersionId,
      reviewerId: ctx.actor.id,
      decision: input.decision,
      reasonCode: input.decision === "reject" ? input.reasonCode! : null,
      comment: input.comment || null,
      approvalId,
    })
    .returning();
  const status: Asset["status"] = approved
    ? "approved"
    : input.decision === "reject"
      ? "rejected"
      : input.decision === "request_changes"
        ? "changes_requested"
        : "in_review";
  await tx
    .update(assets)
    .set({
      status,
      statusReason:
        input.decision === "reject"
          ? input.reasonCode!
          : input.decision === "request_changes"
            ? "changes_requested"
            : asset.statusReason,
      approvalId: approvalId ?? asset.approvalId,
      // When the asset became usable or was rejected: finance counts decisions in a period by these.
      approvedAt: approved ? new Date() : asset.approvedAt,
      rejectedAt: status === "rejected" ? new Date() : null,
      updatedAt: new Date(),
    })
    .where(eq(assets.id, asset.id));
  await tx.delete(reviewClaims).where(eq(reviewClaims.assetId, asset.id));
  // The library: status, reviewer, reason and comment, committed with the decision.
  await refreshAssetSearch(tx, [asset.id]);
  // Budgets: a campaign whose recent reject rate reaches its stop-loss is put on hold.
  await evaluateStopLoss(tx, asset.id);
  await tx.insert(notifications).values({
    userId: asset.ownerId,
    assetId: asset.id,
    kind: `review.${input.decision}`,
    message: withTitle(asset.title, decisionText(ctx, input, status, count, needed, approvalId, reasonText)),
  });
  await recordAudit({
    db: tx,
    input: {
      actor: ctx.actor,
      action: "review.decided",
      subject: { type: "asset", id: asset.id },
      data: {
        decisionId: decision!.id,
        version: input.assetVersionId,
        decision: input.decision,
        ...(input.reasonCode && input.decision === "reject" ? { reasonCode: input.reasonCode } : {}),
        ...(input.comment ? { comment: input.comment.slice(0, 500) } : {}),
        status,
        approvals: `${Math.min(count, needed)}/${needed}`,
        ...(approvalId ? { approvalId } : {}),
      },
      ip: ctx.ip,
    },
  });
  return { decision: decision!, status, approvals: isApproval ? count : approvals.length, approvalsNeeded: needed };
}

function decisionText(
  ctx: Ctx,
  input: z.infer<typeof decideInput>,
  status: string,
  count: number,
  needed: number,
  approvalId: string | null,
  reasonText?: string,
): string {
  const who = ctx.actor.name;
  const did = `${who} ${DECISION_NOTICE[input.decision]}`;
  const progress = status === "approved" ? `(${approvalId})` : `(${count} of ${needed} approvals)`;
  switch (input.decision) {
    case "approve":
      return `${did} ${progress}${input.comment ? ` — “${input.comment}”` : ""}.`;
    case "approve_with_changes":
      // Usable once approved, but only with these changes made: say so before the approval ID.
      return `${did} ${progress}. Make these changes before using it: “${input.comment}”.`;
    case "request_changes":
      return `${did}: “${input.comment}”.`;
    case "reject":
      return `${did}: ${reasonText ?? input.reasonCode}${input.comment ? ` — “${input.comment}”` : ""}.`;
  }
}

/**
 * Notifications lead with the asset's title ("Trail shoe KLN-0042: Rita approved your asset…") so a
 * designer knows which product without opening it; assets made before titles existed have none.
 */
export function withTitle(title: string | null | undefined, message: string): string {
  const t = title?.trim();
  return t ? `${t}: ${message}` : message;
}

/** One reviewer's decision on the version they looked at; refused, with a clear message, when any rule says no. */
export async function decideAsset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DecisionOutcome> {
  const parsed = parseInput(decideInput, input);
  const out = await ctx.db.transaction((tx) => decideLocked(tx, ctx, parsed));
  if (out.status === "approved") await draftAltTextOnApproval({ db: ctx.db, assetIds: [parsed.assetId] });
  await webhooksAfterDecisions({ db: ctx.db }, [out.decision.id]);
  return out;
}

const bulkInput = z.object({
  items: z
    .array(
      z.object({
        assetId: z.string().uuid("Unknown asset."),
        assetVersionId: z.string().uuid("Unknown asset version."),
      }),
    )
    .min(1, "Select assets to approve.")
    .max(100, "Approve at most 100 at once."),
});

/**
 * Approves a selection, each under the same rules; what a rule refuses is reported, not fatal.
 * `partial` lists assets that got this approval but need another reviewer's too (four-eyes).
 */
export async function bulkApprove({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ approved: string[]; partial: string[]; refused: { assetId: string; message: string }[] }> {
  const { items } = parseInput(bulkInput, input);
  const approved: string[] = [];
  const partial: string[] = [];
  const refused: { assetId: string; message: string }[] = [];
  const decisionIds: string[] = [];
  for (const item of items) {
    try {
      const out = await ctx.db.transaction((tx) => decideLocked(tx, ctx, { ...item, decision: "approve" }));
      (out.status === "approved" ? approved : partial).push(item.assetId);
      decisionIds.push(out.decision.id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused.push({ assetId: item.assetId, message: error.message });
    }
  }
  await draftAltTextOnApproval({ db: ctx.db, assetIds: approved });
  await webhooksAfterDecisions({ db: ctx.db }, decisionIds);
  return { approved, partial, refused };
}
