import type { DbExecutor } from "@/db";
import { formatMicros } from "@/lib/costs/estimate";
import { AppError } from "@/lib/errors";
import { raiseBudgetAlerts } from "./alerts";
import { activeHold } from "./holds";
import { PERIOD_LABEL } from "./period";
import { applicableBudgets, budgetStatuses, type BudgetStatus } from "./status";
import { committedMicrosOf } from "./usage";
import { plural } from "@/lib/labels";

/** One applicable budget against one batch: what is left before and whether the batch fits. */
export type BudgetHeadroom = {
  budgetId: string;
  label: string;
  period: string;
  /** What is left of the money limit and not yet spoken for by queued work (remaining − committed, at least 0). */
  remainingMicros: number | null;
  /** The scope's queued and running work's estimate, already deducted from remainingMicros. */
  committedMicros: number;
  remainingImages: number | null;
  limitMicros: number | null;
  limitImages: number | null;
  fitsMoney: boolean;
  fitsImages: boolean;
};

export type BudgetCheck = { headroom: BudgetHeadroom[]; hold: string | null; statuses: BudgetStatus[] };

/** Every active budget that applies (the batch's campaign, the user's team, the user) against the batch's estimate and image count. */
export async function checkBudgets(
  db: DbExecutor,
  batch: { campaign: string | null; userId: string; micros: number; images: number },
): Promise<BudgetCheck> {
  const hold = batch.campaign ? await activeHold(db, batch.campaign) : undefined;
  const statuses = await budgetStatuses(db, await applicableBudgets(db, batch));
  const committed = await Promise.all(statuses.map((s) => committedMicrosOf(db, s)));
  const headroom = statuses.map((s, i) => headroomOf(s, committed[i]!, batch));
  return {
    headroom,
    hold: hold
      ? `Campaign “${batch.campaign}” is on hold (${hold.reason.replace("_", "-")}${hold.detail ? `: ${hold.detail}` : ""}).`
      : null,
    statuses,
  };
}

/** One budget against one batch: the money left once queued work (`committedMicros`) is counted as spoken for. */
function headroomOf(
  s: BudgetStatus,
  committedMicros: number,
  batch: { micros: number; images: number },
): BudgetHeadroom {
  const available = s.remainingMicros === null ? null : Math.max(0, s.remainingMicros - committedMicros);
  return {
    budgetId: s.id,
    label: s.label,
    period: PERIOD_LABEL[s.period],
    remainingMicros: available,
    committedMicros,
    remainingImages: s.remainingImages,
    limitMicros: s.limitMicros,
    limitImages: s.limitImages,
    fitsMoney: available === null || batch.micros <= available,
    fitsImages: s.remainingImages === null || batch.images <= s.remainingImages,
  };
}

/** The refusal a designer sees: which budget, what is left, and what to do. Null when the batch fits. */
export function budgetRefusal(check: BudgetCheck, batch: { micros: number; images: number }): AppError | null {
  if (check.hold)
    return new AppError(
      "policy_blocked",
      `${check.hold} Nothing was queued; ask finance or an admin to release it on Budgets.`,
    );
  const money = check.headroom.find((h) => !h.fitsMoney);
  if (money)
    return new AppError(
      "policy_blocked",
      `This batch is estimated at ${formatMicros(batch.micros)}, but the budget for ${money.label} (${money.period}) has ${formatMicros(money.remainingMicros!)} left of ${formatMicros(money.limitMicros!)}${money.committedMicros > 0 ? ` after ${formatMicros(money.committedMicros)} of work already queued` : ""}. Queue fewer images or a cheaper tier, or ask finance to raise the budget.`,
    );
  const images = check.headroom.find((h) => !h.fitsImages);
  if (images)
    return new AppError(
      "policy_blocked",
      `This batch needs ${plural(batch.images, "image")}, but the image quota for ${images.label} (${images.period}) has ${images.remainingImages!.toLocaleString("en-US")} left of ${images.limitImages!.toLocaleString("en-US")}. Queue fewer images, or ask finance to raise the quota.`,
    );
  return null;
}

/** After a batch is queued: a quota or budget it pushed past its alert level is announced. */
export async function announceAfterQueue(
  db: DbExecutor,
  batch: { campaign: string | null; userId: string },
): Promise<void> {
  const list = await applicableBudgets(db, batch);
  if (list.length) await raiseBudgetAlerts(db, await budgetStatuses(db, list));
}
