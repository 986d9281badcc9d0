import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets, batches, budgets } from "@/db/schema";
import { holdCampaign } from "./holds";

/** Statuses that are a decision on an asset; of these, "rejected" counts as a reject. */
const DECIDED = ["approved", "rejected", "changes_requested"] as const;

export type StopLossOutcome = {
  campaign: string;
  rejects: number;
  window: number;
  thresholdPercent: number;
  held: boolean;
} | null;

/**
 * Called after every automated or human decision on an asset: when the asset's campaign has an
 * active budget with a stop-loss and the reject rate over its last N decided assets reaches the
 * threshold, the campaign is put on hold (its queued work waits). Runs inside the decision's
 * transaction, so the hold and the decision commit together.
 */
export async function evaluateStopLoss(db: DbExecutor, assetId: string): Promise<StopLossOutcome> {
  // The asset's campaign and its stop-loss rules in one statement, started at the call so a
  // decision can send it with its other statements (db/together.ts). No campaign, or a campaign
  // without rules: one row with nulls.
  const found = await db
    .select({ campaign: batches.campaign, percent: budgets.stopLossRejectPercent, window: budgets.stopLossWindow })
    .from(assets)
    .innerJoin(batches, eq(batches.id, assets.batchId))
    .leftJoin(
      budgets,
      and(
        eq(budgets.scope, "campaign"),
        eq(budgets.scopeKey, batches.campaign),
        eq(budgets.active, true),
        isNotNull(budgets.stopLossRejectPercent),
        isNotNull(budgets.stopLossWindow),
      ),
    )
    .where(eq(assets.id, assetId))
    .execute();
  const campaign = found[0]?.campaign;
  if (!campaign) return null;
  const rules = found.filter((r) => r.percent !== null && r.window !== null);
  if (rules.length === 0) return null;
  const window = Math.max(...rules.map((r) => r.window!));
  const recent = await db
    .select({ status: assets.status })
    .from(assets)
    .innerJoin(batches, eq(batches.id, assets.batchId))
    .where(and(eq(batches.campaign, campaign), inArray(assets.status, [...DECIDED])))
    .orderBy(desc(assets.updatedAt), desc(assets.id))
    .limit(window);
  for (const rule of rules) {
    const last = recent.slice(0, rule.window!);
    // A full window only: three rejects out of the first three assets is no trend yet.
    if (last.length < rule.window!) continue;
    const rejects = last.filter((a) => a.status === "rejected").length;
    if (rejects * 100 < rule.percent! * rule.window!) continue;
    const detail = `${rejects} of the last ${rule.window} decided assets were rejected (${Math.round((rejects * 100) / rule.window!)}%, stop-loss at ${rule.percent}%).`;
    const hold = await holdCampaign(db, { campaign, reason: "stop_loss", detail, heldBy: null });
    return { campaign, rejects, window: rule.window!, thresholdPercent: rule.percent!, held: !!hold };
  }
  return null;
}
