import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { budgets, teams, users, type Budget, type BudgetPeriod, type BudgetScope } from "@/db/schema";
import { forecastMicros, periodBounds } from "./period";
import { usageOf } from "./usage";

export type BudgetState = "ok" | "soft" | "exhausted" | "inactive";

/** Where one budget stands in its current period; what /budgets, the gate and the Costs page show. */
export type BudgetStatus = {
  id: string;
  scope: BudgetScope;
  scopeKey: string;
  /** "campaign Spring launch", "team Brand", "user Dana Designer". */
  label: string;
  period: BudgetPeriod;
  periodStart: string;
  periodEnd: string;
  elapsed: number;
  limitMicros: number | null;
  limitImages: number | null;
  softLimitPercent: number;
  stopLossRejectPercent: number | null;
  stopLossWindow: number | null;
  active: boolean;
  spentMicros: number;
  images: number;
  remainingMicros: number | null;
  remainingImages: number | null;
  forecastMicros: number;
  state: BudgetState;
};

/** The active budgets that apply to work of this campaign and user: the campaign's, the user's team's and the user's. */
export async function applicableBudgets(
  db: DbExecutor,
  who: { campaign: string | null; userId: string },
): Promise<Budget[]> {
  const [user] = await db.select({ teamId: users.teamId }).from(users).where(eq(users.id, who.userId)).limit(1);
  const scopes: SQL[] = [and(eq(budgets.scope, "user"), eq(budgets.scopeKey, who.userId))!];
  if (who.campaign) scopes.push(and(eq(budgets.scope, "campaign"), eq(budgets.scopeKey, who.campaign))!);
  if (user?.teamId) scopes.push(and(eq(budgets.scope, "team"), eq(budgets.scopeKey, user.teamId))!);
  return db
    .select()
    .from(budgets)
    .where(and(eq(budgets.active, true), or(...scopes)));
}

/** Human names for the budgets' scopes (team and user ids → names; campaigns are their own names). */
export async function scopeLabels(
  db: DbExecutor,
  list: Pick<Budget, "scope" | "scopeKey">[],
): Promise<Map<string, string>> {
  const teamIds = list.filter((b) => b.scope === "team").map((b) => b.scopeKey);
  const userIds = list.filter((b) => b.scope === "user").map((b) => b.scopeKey);
  const names = new Map<string, string>();
  if (teamIds.length)
    for (const t of await db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, teamIds)))
      names.set(`team:${t.id}`, t.name);
  if (userIds.length)
    for (const u of await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)))
      names.set(`user:${u.id}`, u.name);
  const out = new Map<string, string>();
  for (const b of list)
    out.set(`${b.scope}:${b.scopeKey}`, `${b.scope} ${names.get(`${b.scope}:${b.scopeKey}`) ?? b.scopeKey}`);
  return out;
}

export function stateOf(
  b: Pick<Budget, "active" | "limitMicros" | "limitImages" | "softLimitPercent">,
  spent: number,
  images: number,
): BudgetState {
  if (!b.active) return "inactive";
  if ((b.limitMicros !== null && spent >= b.limitMicros) || (b.limitImages !== null && images >= b.limitImages))
    return "exhausted";
  // Integer comparison: spent / limit ≥ percent / 100.
  if (
    b.limitMicros !== null &&
    b.limitMicros > 0 &&
    BigInt(spent) * 100n >= BigInt(b.limitMicros) * BigInt(b.softLimitPercent)
  )
    return "soft";
  if (b.limitImages !== null && b.limitImages > 0 && images * 100 >= b.limitImages * b.softLimitPercent) return "soft";
  return "ok";
}

/** Each budget's spend and images in its current period, remaining amounts and a linear forecast to period end. */
export async function budgetStatuses(db: DbExecutor, list: Budget[], now: Date = new Date()): Promise<BudgetStatus[]> {
  const labels = await scopeLabels(db, list);
  return Promise.all(
    list.map(async (b) => {
      const bounds = periodBounds(b.period, now);
      const { spentMicros, images } = await usageOf(db, b, bounds);
      return {
        id: b.id,
        scope: b.scope,
        scopeKey: b.scopeKey,
        label: labels.get(`${b.scope}:${b.scopeKey}`)!,
        period: b.period,
        periodStart: bounds.start.toISOString(),
        periodEnd: bounds.end.toISOString(),
        elapsed: bounds.elapsed,
        limitMicros: b.limitMicros,
        limitImages: b.limitImages,
        softLimitPercent: b.softLimitPercent,
        stopLossRejectPercent: b.stopLossRejectPercent,
        stopLossWindow: b.stopLossWindow,
        active: b.active,
        spentMicros,
        images,
        remainingMicros: b.limitMicros === null ? null : Math.max(0, b.limitMicros - spentMicros),
        remainingImages: b.limitImages === null ? null : Math.max(0, b.limitImages - images),
        forecastMicros: forecastMicros(spentMicros, bounds, now),
        state: stateOf(b, spentMicros, images),
      };
    }),
  );
}
