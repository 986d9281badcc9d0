import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { assets, assetVersions, checkResults, checkRuns } from "@/db/schema";
import { together } from "@/db/together";
import { recordAudit } from "@/lib/audit";
import { evaluateStopLoss } from "@/lib/budgets/stop-loss";
import { AppError } from "@/lib/errors";
import { decide, type CheckDecision } from "./policy";
import { checksForTier, getCheck } from "./registry";
import { rerollGeneration, type RerollRequest } from "./reroll";
import { assetTier } from "@/lib/assets/tier";
import { refreshAssetSearch } from "@/lib/library/refresh";

export type RunDecision = { assetId: string; decision: CheckDecision; applied: boolean; reroll: RerollRequest | null };

/** Statuses the checks may move an asset out of; a human's decision is never overridden by a machine. */
const MACHINE_OWNED = ["checking", "in_review", "rejected"] as const;

/**
 * Decides a check run from its stored results and applies it to the asset: rejected (and re-rolled
 * within the preset's limit), to a human, or approved for tiers without review. A check that never
 * stored a result counts as an error. Idempotent: a repeated call returns the same decision.
 */
export async function decideCheckRun({ db, checkRunId }: { db: Db; checkRunId: string }): Promise<RunDecision> {
  // Four round trips while the database is held (db/together.ts): the run and its results; the
  // run's decision and the asset's move; the audit's lock and read with the library's row and the
  // stop-loss; the audit row.
  return db.transaction(async (tx) => {
    const [[row], stored] = await together(
      tx
        .select({ run: checkRuns, asset: assets })
        .from(checkRuns)
        .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
        .innerJoin(assets, eq(assets.id, assetVersions.assetId))
        .where(eq(checkRuns.id, checkRunId))
        .limit(1)
        .for("update", { of: checkRuns })
        .execute(),
      // Read after the run's lock (sent second): a result stored concurrently is either in or waits.
      tx.select().from(checkResults).where(eq(checkResults.checkRunId, checkRunId)).execute(),
    );
    if (!row) throw new AppError("not_found", `Check run ${checkRunId} does not exist.`);
    const { run, asset } = row;

    const expected = checksForTier(assetTier(asset)).map((c) => c.id);
    const results = [
      ...stored.map((r) => ({
        checkId: r.checkId,
        group: getCheck(r.checkId)?.group ?? "quality",
        verdict: r.verdict,
        reasonCode: r.reasonCode,
        error: r.error,
      })),
      ...expected
        .filter((id) => !stored.some((r) => r.checkId === id))
        .map((id) => ({
          checkId: id,
          group: getCheck(id)!.group,
          verdict: "warn" as const,
          reasonCode: "check_error",
          error: "no result was stored",
        })),
    ];
    const decision = decide(assetTier(asset), results);
    const reroll = async () =>
      decision.next === "rejected" && run.trigger === "generated" && asset.generationId
        ? rerollGeneration(tx, asset.generationId)
        : null;
    if (run.status === "decided")
      return {
        assetId: asset.id,
        decision,
        applied: false,
        reroll: asset.status === "rejected" ? await reroll() : null,
      };

    const reason = decision.reasons.length ? decision.reasons.join(", ") : decision.reasonCode;
    // Only the newest run of the asset's current version moves the asset: the update's own
    // condition, so it travels with the run's decision instead of waiting on a read.
    const newestRun = tx
      .select({ id: checkRuns.id })
      .from(checkRuns)
      .where(eq(checkRuns.assetVersionId, run.assetVersionId))
      .orderBy(desc(checkRuns.createdAt))
      .limit(1);
    const [, [moved]] = await together(
      tx
        .update(checkRuns)
        .set({ status: "decided", verdict: decision.verdict, reasonCode: reason, decidedAt: new Date() })
        .where(eq(checkRuns.id, run.id))
        .execute(),
      tx
        .update(assets)
        .set({
          status: decision.next,
          statusReason: reason,
          enteredReviewAt: decision.next === "in_review" ? (asset.enteredReviewAt ?? new Date()) : null,
          // Tiers approved by the checks alone (draft) become usable now; machine-owned statuses are never approved.
          approvedAt: decision.next === "approved" ? new Date() : null,
          rejectedAt: decision.next === "rejected" ? new Date() : null,
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(assets.id, asset.id),
            inArray(assets.status, [...MACHINE_OWNED]),
            eq(assets.currentVersionId, run.assetVersionId),
            eq(sql`(${newestRun})`, run.id),
          ),
        )
        .returning({ id: assets.id })
        .execute(),
    );
    await together(
      recordAudit({
        db: tx,
        input: {
          actor: null,
          action: "asset.checked",
          subject: { type: "asset", id: asset.id },
          data: {
            checkRunId: run.id,
            trigger: run.trigger,
            verdict: decision.verdict,
            reasonCode: decision.reasonCode,
            reasons: decision.reasons,
            next: moved ? decision.next : asset.status,
            why: decision.why,
          },
        },
      }),
      // The library's check verdict, reasons and status, committed with the decision.
      refreshAssetSearch(tx, [asset.id]),
      // Budgets: a campaign whose recent reject rate reaches its stop-loss is put on hold.
      moved && decision.next !== "in_review" ? evaluateStopLoss(tx, asset.id) : Promise.resolve(null),
    );
    return { assetId: asset.id, decision, applied: !!moved, reroll: moved ? await reroll() : null };
  });
}
