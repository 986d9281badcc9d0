import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { budgetAlerts, budgets, type Budget } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { formatMicros } from "@/lib/costs/estimate";
import { PERIOD_LABEL, periodBounds } from "./period";
import { budgetRecipients, notifyUsers } from "./recipients";
import { scopeLabels } from "./status";
import { usageOf } from "./usage";

/** The budget_alerts level that records "a new period started after the last one ran out". */
export const RENEWED_LEVEL = "renewed";

export type Renewal = { budgetId: string; label: string; periodStart: string; previousSpentMicros: number };

/**
 * Period roll-over, as finance expects it: a budget that ran out last period starts the new one
 * with its full limit, and the work that waited on it (the call-time gate, lib/budgets/gate.ts) goes
 * on by itself, since spend is summed per calendar period. What the roll-over adds is the telling:
 * once per budget and new period, its recipients (finance, admins, the team or user it covers) get a
 * notification, and the audit log an entry with last period's closing spend.
 *
 * Only budgets that were used up last period are announced: a daily budget that never ran out
 * needs no notice every midnight. Campaign holds (stop-loss or by hand) are about quality, not the
 * period, and stay until someone releases them. The unique index of budget_alerts (budget, period
 * start, level) makes the announcement exactly-once across overlapping runs and processes.
 */
export async function renewBudgetPeriods({ db, now = new Date() }: { db: DbExecutor; now?: Date }): Promise<Renewal[]> {
  const list = await db.select().from(budgets).where(eq(budgets.active, true));
  const renewed: Renewal[] = [];
  const labels = await scopeLabels(db, list);
  for (const budget of list) {
    const current = periodBounds(budget.period, now);
    const previous = periodBounds(budget.period, new Date(current.start.getTime() - 1));
    const [ranOut] = await db
      .select({ id: budgetAlerts.id })
      .from(budgetAlerts)
      .where(
        and(
          eq(budgetAlerts.budgetId, budget.id),
          eq(budgetAlerts.periodStart, previous.start),
          eq(budgetAlerts.level, "exhausted"),
        ),
      )
      .limit(1);
    if (!ranOut) continue;
    const label = labels.get(`${budget.scope}:${budget.scopeKey}`) ?? `${budget.scope} ${budget.scopeKey}`;
    const renewal = await announce(db, budget, label, previous, current.start);
    if (renewal) renewed.push(renewal);
  }
  return renewed;
}

async function announce(
  db: DbExecutor,
  budget: Budget,
  label: string,
  previous: { start: Date; end: Date },
  periodStart: Date,
): Promise<Renewal | null> {
  const closing = await usageOf(db, budget, previous);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgetAlerts)
      .values({ budgetId: budget.id, periodStart, level: RENEWED_LEVEL, spentMicros: closing.spentMicros })
      .onConflictDoNothing()
      .returning({ id: budgetAlerts.id });
    if (!row) return null;
    const limits = [
      budget.limitMicros !== null ? `${formatMicros(budget.limitMicros)} to spend` : null,
      budget.limitImages !== null ? `${budget.limitImages.toLocaleString("en-US")} images` : null,
    ].filter(Boolean);
    const was = [
      budget.limitMicros !== null
        ? `${formatMicros(closing.spentMicros)} of ${formatMicros(budget.limitMicros)} spent`
        : null,
      budget.limitImages !== null
        ? `${closing.images.toLocaleString("en-US")} of ${budget.limitImages.toLocaleString("en-US")} images`
        : null,
    ].filter(Boolean);
    await notifyUsers(
      tx,
      await budgetRecipients(tx, budget),
      "budget.renewed",
      `The budget for ${label} (${PERIOD_LABEL[budget.period]}) starts a new period with ${limits.join(" and ")}. Work that waited on it goes on. Last period: ${was.join(", ")}.`,
    );
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "budget.period_renewed",
        subject: { type: "budget", id: budget.id },
        data: {
          periodStart: periodStart.toISOString(),
          previousPeriodStart: previous.start.toISOString(),
          previousSpentMicros: closing.spentMicros,
          previousImages: closing.images,
        },
      },
    });
    return {
      budgetId: budget.id,
      label,
      periodStart: periodStart.toISOString(),
      previousSpentMicros: closing.spentMicros,
    };
  });
}
