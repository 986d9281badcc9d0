import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { CostFilters } from "./filters";

/**
 * Whose figures a person may see. Finance and admins see everything; a designer sees the work of
 * their own team (by the batch owner's team), or only their own work when they have no team,
 * unless an admin allowed them every team (users.costs_all_teams).
 */
export type CostScope = { kind: "all" } | { kind: "team"; teamId: string } | { kind: "own"; userId: string };

export async function resolveCostScope(ctx: Ctx, filters: Pick<CostFilters, "teamId" | "userId">): Promise<CostScope> {
  if (!can(ctx.actor.role, "costs.view")) throw new AppError("forbidden", "Your role cannot see costs.");
  if (can(ctx.actor.role, "costs.view_all")) return { kind: "all" };
  const [me] = await ctx.db
    .select({ teamId: users.teamId, costsAllTeams: users.costsAllTeams })
    .from(users)
    .where(eq(users.id, ctx.actor.id))
    .limit(1);
  if (!me) throw new AppError("forbidden", "Your account no longer exists.");
  if (me.costsAllTeams) return { kind: "all" };
  if (!me.teamId) {
    if (filters.teamId || (filters.userId && filters.userId !== ctx.actor.id))
      throw new AppError(
        "forbidden",
        "You are in no team, so you can see the costs of your own work only. Ask an admin to add you to a team.",
      );
    return { kind: "own", userId: ctx.actor.id };
  }
  if (filters.teamId && filters.teamId !== me.teamId)
    throw new AppError("forbidden", "You can see your own team's costs only; ask an admin if you need another team's.");
  if (filters.userId && filters.userId !== ctx.actor.id) {
    const [other] = await ctx.db
      .select({ teamId: users.teamId })
      .from(users)
      .where(eq(users.id, filters.userId))
      .limit(1);
    if (other?.teamId !== me.teamId)
      throw new AppError("forbidden", "That person is not in your team; you can see your own team's costs only.");
  }
  return { kind: "team", teamId: me.teamId };
}
