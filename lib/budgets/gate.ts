import { eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches } from "@/db/schema";
import { formatMicros } from "@/lib/costs/estimate";
import { raiseBudgetAlerts } from "./alerts";
import { activeHold } from "./holds";
import { applicableBudgets, budgetStatuses, type BudgetStatus } from "./status";

export type GateResult = { state: "ready" } | { state: "held"; reason: string };

/** A budget whose money is spent: its work must not make another provider call this period. */
function moneyExhausted(s: BudgetStatus): boolean {
  return s.limitMicros !== null && s.spentMicros >= s.limitMicros;
}

/**
 * Why work of this campaign and user must wait, or null: the campaign is on hold (stop-loss or by
 * hand), or an applicable budget's money is used up. Reads only; the Jobs page shows the reason.
 */
export async function waitReason(
  db: DbExecutor,
  who: { campaign: string | null; userId: string },
): Promise<{ reason: string; statuses: BudgetStatus[] } | { reason: null; statuses: BudgetStatus[] }> {
  if (who.campaign) {
    const hold = await activeHold(db, who.campaign);
    if (hold)
      return {
        reason: `campaign “${who.campaign}” is on hold (${hold.reason.replace("_", "-")}${hold.detail ? `: ${hold.detail}` : ""})`,
        statuses: [],
      };
  }
  const list = await applicableBudgets(db, who);
  if (list.length === 0) return { reason: null, statuses: [] };
  const statuses = await budgetStatuses(db, list);
  const spent = statuses.find(moneyExhausted);
  if (spent)
    return {
      reason: `budget exhausted for ${spent.label} (${formatMicros(spent.spentMicros)} of ${formatMicros(spent.limitMicros!)} spent)`,
      statuses,
    };
  return { reason: null, statuses };
}

/**
 * The call-time check, before every provider call (lib/generation/run-generation.ts): held work is
 * not run and not dropped: it waits (generate-image polls) and goes on when the budget is raised,
 * the period rolls over or the hold is released. Announces soft and exhausted crossings on the way.
 */
export async function budgetGate(db: DbExecutor, gen: { batchId: string; ownerId: string }): Promise<GateResult> {
  const [batch] = await db
    .select({ campaign: batches.campaign })
    .from(batches)
    .where(eq(batches.id, gen.batchId))
    .limit(1);
  const { reason, statuses } = await waitReason(db, { campaign: batch?.campaign ?? null, userId: gen.ownerId });
  if (statuses.length) await raiseBudgetAlerts(db, statuses);
  return reason ? { state: "held", reason } : { state: "ready" };
}
