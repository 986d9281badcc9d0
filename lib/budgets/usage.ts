import { and, eq, gte, lt, ne, sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches, costLedger, generations, users, type Budget } from "@/db/schema";
import type { PeriodBounds } from "./period";

export type Usage = { spentMicros: number; images: number };

/**
 * Which rows a budget's scope covers: a campaign (via the batch), a team (via the user's team) or
 * a user — `owner` is the user column of the table summed (the ledger's user, a generation's owner).
 */
function scopeCondition(
  budget: Pick<Budget, "scope" | "scopeKey">,
  owner: typeof costLedger.userId | typeof generations.ownerId | typeof batches.ownerId,
): SQL {
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
export async function usageOf(
  db: DbExecutor,
  budget: Pick<Budget, "scope" | "scopeKey">,
  bounds: Pick<PeriodBounds, "start" | "end">,
): Promise<Usage> {
  const [spent] = await db
    .select({ micros: sql<string>`coalesce(sum(${costLedger.micros}), 0)` })
    .from(costLedger)
    .leftJoin(batches, eq(batches.id, costLedger.batchId))
    .leftJoin(users, eq(users.id, costLedger.userId))
    .where(
      and(
        scopeCondition(budget, costLedger.userId),
        gte(costLedger.createdAt, bounds.start),
        lt(costLedger.createdAt, bounds.end),
      ),
    );
  const [made] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .innerJoin(users, eq(users.id, generations.ownerId))
    .where(
      and(
        scopeCondition(budget, generations.ownerId),
        ne(generations.status, "cancelled"),
        gte(generations.createdAt, bounds.start),
        lt(generations.createdAt, bounds.end),
      ),
    );
  return { spentMicros: Number(spent?.micros ?? 0), images: made?.n ?? 0 };
}

/**
 * The estimate of a budget scope's queued and running generations, not spent yet (any period:
 * they spend when they run, which is now): each unfinished batch's estimate × its unfinished
 * share, rounded down. The queue-time check counts it as spoken for, so two batches queued back
 * to back cannot both fit in what one leaves; the call-time gate goes by what was really spent
 * and does not need it.
 */
export async function committedMicrosOf(db: DbExecutor, budget: Pick<Budget, "scope" | "scopeKey">): Promise<number> {
  const unfinished = db
    .select({ batchId: generations.batchId, n: sql<number>`count(*)`.as("n") })
    .from(generations)
    // Literal, as in the partial index generations_unfinished_idx (a bound parameter would not match its predicate).
    .where(sql`${generations.status} in ('queued', 'running')`)
    .groupBy(generations.batchId)
    .as("unfinished");
  const [committed] = await db
    .select({
      micros: sql<string>`coalesce(sum(div(${batches.estimateMicros} * ${unfinished.n}, greatest(${batches.total}, 1))), 0)`,
    })
    .from(unfinished)
    .innerJoin(batches, eq(batches.id, unfinished.batchId))
    .innerJoin(users, eq(users.id, batches.ownerId))
    .where(scopeCondition(budget, batches.ownerId));
  return Number(committed?.micros ?? 0);
}
