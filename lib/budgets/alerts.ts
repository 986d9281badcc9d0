import { desc, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { budgetAlerts, budgets, type Budget } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { assertCanManageBudgets } from "./access";
import { formatMicros } from "@/lib/costs/estimate";
import { PERIOD_LABEL } from "./period";
import { budgetRecipients, notifyUsers } from "./recipients";
import type { BudgetStatus } from "./status";
import { webhooksAfterBudgetAlert } from "@/lib/webhooks/hooks";

export type AlertLevel = "soft" | "exhausted";

function levelsFor(s: BudgetStatus): AlertLevel[] {
  if (s.state === "exhausted") return ["soft", "exhausted"];
  return s.state === "soft" ? ["soft"] : [];
}

function alertText(s: BudgetStatus, level: AlertLevel): string {
  const money =
    s.limitMicros !== null ? `${formatMicros(s.spentMicros)} of ${formatMicros(s.limitMicros)} spent` : null;
  const images =
    s.limitImages !== null
      ? `${s.images.toLocaleString("en-US")} of ${s.limitImages.toLocaleString("en-US")} images`
      : null;
  const used = [money, images].filter(Boolean).join(", ");
  const what = `The budget for ${s.label} (${PERIOD_LABEL[s.period]})`;
  return level === "soft"
    ? `${what} passed its ${s.softLimitPercent}% alert: ${used}.`
    : `${what} is used up: ${used}. Its work waits until the budget is raised or the period ends.`;
}

/**
 * Announces each crossing once: a soft-limit and an exhausted alert per budget and period. The
 * unique index (budget, period start, level) decides who announces: of two concurrent crossings
 * only the insert that wins writes the notifications and the audit row.
 */
export async function raiseBudgetAlerts(db: DbExecutor, statuses: BudgetStatus[]): Promise<number> {
  let raised = 0;
  for (const s of statuses) {
    for (const level of levelsFor(s)) {
      const wrote = await db.transaction(async (tx) => {
        const [alert] = await tx
          .insert(budgetAlerts)
          .values({ budgetId: s.id, periodStart: new Date(s.periodStart), level, spentMicros: s.spentMicros })
          .onConflictDoNothing()
          .returning({ id: budgetAlerts.id });
        if (!alert) return null;
        const message = alertText(s, level);
        const recipients = await budgetRecipients(tx, s);
        await notifyUsers(tx, recipients, `budget.${level}`, message);
        await recordAudit({
          db: tx,
          input: {
            actor: null,
            action: "budget.alerted",
            subject: { type: "budget", id: s.id },
            data: { level, periodStart: s.periodStart, spentMicros: s.spentMicros, images: s.images },
          },
        });
        return recipients;
      });
      if (wrote) raised += 1;
      if (wrote) await webhooksAfterBudgetAlert({ db }, { status: s, level, recipients: wrote });
    }
  }
  return raised;
}

export type AlertView = {
  id: string;
  budgetId: string;
  level: string;
  spentMicros: number;
  periodStart: string;
  createdAt: string;
  budget: Pick<Budget, "scope" | "scopeKey" | "period">;
};

/** The newest alerts, for /budgets. */
export async function listRecentAlerts({ ctx, limit = 20 }: { ctx: Ctx; limit?: number }): Promise<AlertView[]> {
  assertCanManageBudgets(ctx);
  const rows = await ctx.db
    .select({
      alert: budgetAlerts,
      budget: { scope: budgets.scope, scopeKey: budgets.scopeKey, period: budgets.period },
    })
    .from(budgetAlerts)
    .innerJoin(budgets, eq(budgets.id, budgetAlerts.budgetId))
    .orderBy(desc(budgetAlerts.createdAt))
    .limit(limit);
  return rows.map(({ alert: a, budget }) => ({
    id: a.id,
    budgetId: a.budgetId,
    level: a.level,
    spentMicros: a.spentMicros,
    periodStart: a.periodStart.toISOString(),
    createdAt: a.createdAt.toISOString(),
    budget,
  }));
}
