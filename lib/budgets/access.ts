import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

export function assertCanManageBudgets(ctx: Ctx): void {
  if (!can(ctx.actor.role, "budgets.manage"))
    throw new AppError("forbidden", "Only finance and admins manage budgets.");
}
