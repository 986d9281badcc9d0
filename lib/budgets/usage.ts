import { and, eq, gte, lt, ne, sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches, costLedger, generations, users, type Budget } from "@/db/schema";
import type { PeriodBounds } from "./period";

export type Usage = { spentMicros: number; images: number };

/**
 * Which rows a budget's scope covers: a campaign (via the batch), a team (via the user's team) or
 * a user — `owner` is the user column of the table summed (the ledger's user, a generation's owner).
 */
function scopeCondition(budget: Pick<Budget, "scope" | "scopeKey">, owner: typeof costLedger.userId | typeof generations.ownerId): SQL {
  switch (budget.scope) {
    case "campaign":
      return eq(batches.campaign, budget.scopeKey);
    case "team":
      return eq(users.teamId, budget.scopeKey);
    case "user":
      return eq(owner, budget.scopeKey);
  }
}

/**
 * Spend (a SQL sum over the ledger, every provider call of the period, failed billable ones too) and
 * images (generations created in the period, queued ones included: queued work is committed to the
 * quota; cancelled ones are not) of a budget's scope. Team membership is the user's current team.
 */
export async function usageOf(db: DbExecutor, budget: Pick<Budget, "scope" | "scopeKey">, bounds: Pick<PeriodBounds, "start" | "end">): Promise<Usage> {
  const [spent] = await db
    .select({ micros: sql<string>`coalesce(sum(${costLedger.micros}), 0)` })
    .from(costLedger)
    .leftJoin(batches, eq(batches.id, costLedger.batchId))
    .leftJoin(users, eq(users.id, costLedger.userId))
    .where(and(scopeCondition(budget, costLedger.userId), gte(costLedger.createdAt, bounds.start), lt(costLedger.createdAt, bounds.end)));
  const [made] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .innerJoin(users, eq(users.id, generations.ownerId))
    .where(and(scopeCondition(budget, generations.ownerId), ne(generations.status, "cancelled"), gte(generations.createdAt, bounds.start), lt(generations.createdAt, bounds.end)));
  return { spentMicros: Number(spent?.micros ?? 0), images: made?.n ?? 0 };
}
