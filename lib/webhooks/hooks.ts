import { and, count, eq, inArray } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { logger } from "@/lib/observability/logger";
import {
  assets,
  assetVersions,
  batches,
  budgets,
  checkRuns,
  exportJobs,
  generations,
  reviewDecisions,
  webhookEndpoints,
} from "@/db/schema";
import type { BudgetStatus } from "@/lib/budgets/status";
import { emitWebhookEvent, type WebhookSender } from "./emit";

/**
 * The one-line hooks the product calls after a state change has committed. Each finds what the
 * event needs, emits it, and never throws: a webhook that could not be queued is logged, and the
 * product action it follows stands (like draftAltTextOnApproval).
 */
type Deps = { db: DbExecutor; send?: WebhookSender };

/**
 * Most installations have few or no endpoints: one cheap look first spares every finishing
 * generation the queries an event needs when nobody could receive it.
 */
async function anyEnabledEndpoint(db: DbExecutor): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.status, "enabled"))
    .limit(1);
  return !!row;
}

async function safely(what: string, db: DbExecutor, fn: () => Promise<unknown>): Promise<void> {
  try {
    if (await anyEnabledEndpoint(db)) await fn();
  } catch (error) {
    logger.error({ err: error, event: what }, "webhooks: could not emit an event");
  }
}

/** After a generation's final transaction: generation.succeeded or generation.failed, and batch.completed when it was the last. */
export function webhooksAfterGeneration(deps: Deps, generationId: string): Promise<void> {
  return safely(`events of generation ${generationId}`, deps.db, async () => {
    const [row] = await deps.db
      .select({ gen: generations, ownerId: batches.ownerId, batchStatus: batches.status, assetId: assets.id })
      .from(generations)
      .innerJoin(batches, eq(batches.id, generations.batchId))
      .leftJoin(assets, eq(assets.generationId, generations.id))
      .where(eq(generations.id, generationId))
      .limit(1);
    if (!row) return;
    const { gen, ownerId } = row;
    const subject = { userIds: [ownerId] };
    if (gen.status === "succeeded")
      await emitWebhookEvent(deps, {
        type: "generation.succeeded",
        key: gen.id,
        subject,
        at: gen.finishedAt ?? undefined,
        data: { generation_id: gen.id, batch_id: gen.batchId, asset_id: row.assetId, user_id: ownerId },
      });
    else if (gen.status === "dead_lettered")
      await emitWebhookEvent(deps, {
        type: "generation.failed",
        key: gen.id,
        subject,
        at: gen.finishedAt ?? undefined,
        data: {
          generation_id: gen.id,
          batch_id: gen.batchId,
          user_id: ownerId,
          error_code: gen.errorCode ?? "failed",
          error_message: gen.errorMessage ?? "",
        },
      });
    if (row.batchStatus === "completed") await emitBatchCompleted(deps, gen.batchId);
  });
}

/** batch.completed, once per batch (its key is the batch): every finishing generation may ask. */
async function emitBatchCompleted(deps: Deps, batchId: string): Promise<void> {
  const [batch] = await deps.db.select().from(batches).where(eq(batches.id, batchId)).limit(1);
  if (!batch || batch.status !== "completed") return;
  const byStatus = await deps.db
    .select({ status: generations.status, n: count() })
    .from(generations)
    .where(eq(generations.batchId, batchId))
    .groupBy(generations.status);
  const n = (s: string) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  await emitWebhookEvent(deps, {
    type: "batch.completed",
    key: batch.id,
    subject: { userIds: [batch.ownerId] },
    at: batch.finishedAt ?? undefined,
    data: {
      batch_id: batch.id,
      user_id: batch.ownerId,
      total: batch.total,
      succeeded: n("succeeded"),
      failed: n("dead_lettered"),
      cancelled: n("cancelled"),
    },
  });
}

const DECISION_EVENT = {
  approve: "asset.approved",
  approve_with_changes: "asset.approved",
  reject: "asset.rejected",
  request_changes: "asset.changes_requested",
} as const;

/**
 * After review decisions commit: asset.approved (only once the asset is approved: a first of two
 * approvals is not an event), asset.rejected, asset.changes_requested. The asset's owner and the
 * reviewer who decided are the subjects.
 */
export function webhooksAfterDecisions(deps: Deps, decisionIds: string[]): Promise<void> {
  return safely(`review decisions ${decisionIds.join(", ")}`, deps.db, async () => {
    if (decisionIds.length === 0) return;
    const rows = await deps.db
      .select({ d: reviewDecisions, ownerId: assets.ownerId })
      .from(reviewDecisions)
      .innerJoin(assets, eq(assets.id, reviewDecisions.assetId))
      .where(inArray(reviewDecisions.id, decisionIds));
    for (const { d, ownerId } of rows) {
      const type = DECISION_EVENT[d.decision];
      if (type === "asset.approved" && !d.approvalId) continue;
      await emitWebhookEvent(deps, {
        type,
        key: d.id,
        subject: { userIds: [ownerId, d.reviewerId] },
        at: d.createdAt,
        data: {
          asset_id: d.assetId,
          asset_version_id: d.assetVersionId,
          decided_by: "reviewer",
          decision_id: d.id,
          check_run_id: null,
          decision: d.decision,
          reviewer_id: d.reviewerId,
          owner_id: ownerId,
          approval_id: d.approvalId,
          reason_code: d.reasonCode,
          comment: d.comment,
        },
      });
    }
  });
}

/**
 * After the automated checks moved an asset on their own: asset.rejected (a failed check) or
 * asset.approved (a tier that needs no review), so an integration hears about every outcome, not
 * only a reviewer's. Sent for the check run that moved the asset; a run that only went to review sends nothing.
 */
export function webhooksAfterCheckDecision(deps: Deps, checkRunId: string): Promise<void> {
  return safely(`check decision ${checkRunId}`, deps.db, async () => {
    const [row] = await deps.db
      .select({ run: checkRuns, asset: assets })
      .from(checkRuns)
      .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
      .innerJoin(assets, eq(assets.id, assetVersions.assetId))
      .where(eq(checkRuns.id, checkRunId))
      .limit(1);
    if (!row || row.asset.currentVersionId !== row.run.assetVersionId) return;
    const type =
      row.asset.status === "approved" ? "asset.approved" : row.asset.status === "rejected" ? "asset.rejected" : null;
    if (!type) return;
    await emitWebhookEvent(deps, {
      type,
      key: `check:${row.run.id}`,
      subject: { userIds: [row.asset.ownerId] },
      at: row.run.decidedAt ?? undefined,
      data: {
        asset_id: row.asset.id,
        asset_version_id: row.run.assetVersionId,
        decided_by: "checks",
        decision_id: null,
        check_run_id: row.run.id,
        decision: type === "asset.approved" ? "approve" : "reject",
        reviewer_id: null,
        owner_id: row.asset.ownerId,
        approval_id: row.asset.approvalId,
        reason_code: row.run.reasonCode,
        comment: null,
      },
    });
  });
}

/** After an export job is marked succeeded: export.ready for its creator. */
export function webhooksAfterExport(deps: Deps, exportId: string): Promise<void> {
  return safely(`export.ready for ${exportId}`, deps.db, async () => {
    const [job] = await deps.db
      .select()
      .from(exportJobs)
      .where(and(eq(exportJobs.id, exportId), eq(exportJobs.status, "succeeded")))
      .limit(1);
    if (!job) return;
    await emitWebhookEvent(deps, {
      type: "export.ready",
      key: job.id,
      subject: { userIds: [job.createdBy] },
      at: job.finishedAt ?? undefined,
      data: {
        export_id: job.id,
        name: job.name,
        user_id: job.createdBy,
        files: job.filesTotal,
        bytes: job.bytes ?? 0,
        sha256: job.sha256 ?? "",
        expires_at: (job.expiresAt ?? new Date()).toISOString(),
      },
    });
  });
}

/**
 * After a budget alert is raised: budget.threshold for the people the alert notifies (its
 * recipients: finance, admins and the budget's user or team members) and the budget's team.
 */
export function webhooksAfterBudgetAlert(
  deps: Deps,
  alert: { status: BudgetStatus; level: "soft" | "exhausted"; recipients: string[] },
): Promise<void> {
  const s = alert.status;
  return safely(`budget.threshold for ${s.id}`, deps.db, async () => {
    const [budget] = await deps.db.select({ id: budgets.id }).from(budgets).where(eq(budgets.id, s.id)).limit(1);
    if (!budget) return;
    await emitWebhookEvent(deps, {
      type: "budget.threshold",
      key: `${s.id}:${s.periodStart}:${alert.level}`,
      subject: { userIds: alert.recipients, teamIds: s.scope === "team" ? [s.scopeKey] : [] },
      data: {
        budget_id: s.id,
        level: alert.level,
        scope: s.scope,
        scope_key: s.scopeKey,
        period: s.period,
        period_start: new Date(s.periodStart).toISOString(),
        spent_micros: s.spentMicros,
        limit_micros: s.limitMicros,
        images: s.images,
        limit_images: s.limitImages,
        currency: "usd",
      },
    });
  });
}

/** After the week-before rights notice: asset.rights_expiring for the asset's owner (once per expiry). */
export function webhooksAfterRightsNotice(deps: Deps, assetId: string): Promise<void> {
  return safely(`asset.rights_expiring for ${assetId}`, deps.db, async () => {
    const [a] = await deps.db.select().from(assets).where(eq(assets.id, assetId)).limit(1);
    if (!a?.rightsExpiresAt) return;
    await emitWebhookEvent(deps, {
      type: "asset.rights_expiring",
      key: `${a.id}:${a.rightsExpiresAt.toISOString()}`,
      subject: { userIds: [a.ownerId] },
      data: { asset_id: a.id, owner_id: a.ownerId, title: a.title, rights_expires_at: a.rightsExpiresAt.toISOString() },
    });
  });
}
