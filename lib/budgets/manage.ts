import { and, asc, desc, eq, isNotNull, or } from "drizzle-orm";
import type { z } from "zod";
import { batches, budgets, teams, users, type Budget } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { resolveCostScope } from "@/lib/costs/report/scope";
import { AppError, parseInput } from "@/lib/errors";
import { announceResume, type ResumingChange } from "@/lib/generation/resume-sender";
import { assertCanManageBudgets } from "./access";
import { raiseBudgetAlerts } from "./alerts";
import { budgetStatuses, type BudgetStatus } from "./status";
import { createBudgetInput, deactivateBudgetInput, updateBudgetInput } from "./schemas";

async function assertScopeExists(ctx: Ctx, scope: Budget["scope"], key: string) {
  if (scope === "team") {
    const [t] = await ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.id, key)).limit(1);
    if (!t)
      throw new AppError("invalid_input", "That team does not exist.", { fields: { scopeKey: ["Unknown team."] } });
  }
  if (scope === "user") {
    const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, key)).limit(1);
    if (!u)
      throw new AppError("invalid_input", "That user does not exist.", { fields: { scopeKey: ["Unknown user."] } });
  }
}

function limitsOf(v: z.infer<typeof updateBudgetInput> | z.infer<typeof createBudgetInput>) {
  return {
    limitMicros: v.limitMicros,
    limitImages: v.limitImages,
    softLimitPercent: v.softLimitPercent,
    stopLossRejectPercent: v.stopLossRejectPercent,
    stopLossWindow: v.stopLossWindow,
  };
}

/** A spend limit and/or image quota for a campaign, team or user per period. Finance and admins. */
export async function createBudget({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Budget> {
  assertCanManageBudgets(ctx);
  const v = parseInput(createBudgetInput, input);
  await assertScopeExists(ctx, v.scope, v.scopeKey);
  const created = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgets)
      .values({ scope: v.scope, scopeKey: v.scopeKey, period: v.period, ...limitsOf(v), createdBy: ctx.actor.id })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new AppError("conflict", `There is already a ${v.period} budget for that ${v.scope}; edit it instead.`);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "budget.created",
        subject: { type: "budget", id: row.id },
        data: { scope: v.scope, scopeKey: v.scopeKey, period: v.period, ...limitsOf(v) },
        ip: ctx.ip,
      },
    });
    return row;
  });
  await announceIfCrossed(ctx, created);
  return created;
}

/**
 * A budget saved below what its period has already spent is past its alert (or used up) at once; the
 * alert is written now, not at the next provider call, so the page never says "past alert" beside
 * "No alerts yet".
 */
async function announceIfCrossed(ctx: Ctx, budget: Budget): Promise<void> {
  if (!budget.active) return;
  await raiseBudgetAlerts(ctx.db, await budgetStatuses(ctx.db, [budget]));
}

/**
 * New limits; `active: true` reactivates. Work held by budgets is woken through `resumed` once this
 * commits, so raising a limit lets it go on at once (what is still held waits again).
 */
export async function updateBudget({ ctx, input, resumed }: ResumingChange): Promise<Budget> {
  assertCanManageBudgets(ctx);
  const v = parseInput(updateBudgetInput, input);
  const updated = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(budgets).where(eq(budgets.id, v.budgetId)).limit(1).for("update");
    if (!before) throw new AppError("not_found", "That budget does not exist.");
    if (before.scope !== "campaign" && v.stopLossRejectPercent !== null)
      throw new AppError("invalid_input", "Stop-loss applies to campaign budgets only.", {
        fields: { stopLossRejectPercent: ["Campaign budgets only."] },
      });
    const [row] = await tx
      .update(budgets)
      .set({ ...limitsOf(v), active: v.active, updatedAt: new Date() })
      .where(eq(budgets.id, v.budgetId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "budget.updated",
        subject: { type: "budget", id: row!.id },
        data: {
          before: { ...limitsOf({ ...before, budgetId: before.id }), active: before.active },
          after: { ...limitsOf(v), active: v.active },
        },
        ip: ctx.ip,
      },
    });
    return row!;
  });
  await announceIfCrossed(ctx, updated);
  await announceResume(resumed, { scope: "budgets" });
  return updated;
}

/** Stops a budget applying (kept for its history; edit it to reactivate); work it held is woken through `resumed`. */
export async function deactivateBudget({ ctx, input, resumed }: ResumingChange): Promise<Budget> {
  assertCanManageBudgets(ctx);
  const { budgetId } = parseInput(deactivateBudgetInput, input);
  const deactivated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(budgets)
      .set({ active: false, updatedAt: new Date() })
      .where(and(eq(budgets.id, budgetId), eq(budgets.active, true)))
      .returning();
    if (!row) throw new AppError("conflict", "That budget does not exist or is already inactive.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "budget.deactivated",
        subject: { type: "budget", id: row.id },
        data: { scope: row.scope, scopeKey: row.scopeKey, period: row.period },
        ip: ctx.ip,
      },
    });
    return row;
  });
  await announceResume(resumed, { scope: "budgets" });
  return deactivated;
}

/** Every budget with where it stands this period, active first. */
export async function listBudgetStatuses({ ctx }: { ctx: Ctx }): Promise<BudgetStatus[]> {
  assertCanManageBudgets(ctx);
  const list = await ctx.db
    .select()
    .from(budgets)
    .orderBy(desc(budgets.active), asc(budgets.scope), asc(budgets.scopeKey), asc(budgets.period));
  return budgetStatuses(ctx.db, list);
}

/** What the scope picker offers: campaign names used by batches, teams and active users. */
export async function budgetScopeOptions({ ctx }: { ctx: Ctx }) {
  assertCanManageBudgets(ctx);
  const [campaigns, teamRows, userRows] = await Promise.all([
    ctx.db
      .selectDistinct({ name: batches.campaign })
      .from(batches)
      .where(isNotNull(batches.campaign))
      .orderBy(asc(batches.campaign))
      .limit(500),
    ctx.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)),
    ctx.db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(eq(users.active, true))
      .orderBy(asc(users.name)),
  ]);
  return { campaigns: campaigns.map((c) => c.name!).filter(Boolean), teams: teamRows, users: userRows };
}
export type BudgetScopeOptions = Awaited<ReturnType<typeof budgetScopeOptions>>;

/**
 * Budget vs actual for the Costs page, in the viewer's cost scope: everything for finance and
 * admins (and designers allowed every team); a designer's own team and own budgets otherwise.
 */
export async function listBudgetsForCosts({ ctx }: { ctx: Ctx }): Promise<BudgetStatus[]> {
  const scope = await resolveCostScope(ctx, {});
  const active = eq(budgets.active, true);
  const where =
    scope.kind === "all"
      ? active
      : scope.kind === "team"
        ? and(
            active,
            or(
              and(eq(budgets.scope, "team"), eq(budgets.scopeKey, scope.teamId)),
              and(eq(budgets.scope, "user"), eq(budgets.scopeKey, ctx.actor.id)),
            ),
          )
        : and(active, eq(budgets.scope, "user"), eq(budgets.scopeKey, ctx.actor.id));
  const list = await ctx.db
    .select()
    .from(budgets)
    .where(where)
    .orderBy(asc(budgets.scope), asc(budgets.scopeKey), asc(budgets.period));
  return budgetStatuses(ctx.db, list);
}
