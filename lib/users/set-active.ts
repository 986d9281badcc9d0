import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { assertAnotherActiveAdmin, loadUserForUpdate } from "./admin-guards";
import { toPublicUser, type PublicUser } from "./public-user";
import { setActiveInput } from "./schemas";

/** Deactivation bumps the session version: the user's open sessions stop at their next request. */
export async function setUserActive({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PublicUser> {
  const { userId, active } = parseInput(setActiveInput, input);
  if (!active && userId === ctx.actor.id) throw new AppError("conflict", "You cannot deactivate your own account.");
  return ctx.db.transaction(async (tx) => {
    const user = await loadUserForUpdate(tx, userId);
    if (user.active === active) return toPublicUser(user);
    if (!active && user.role === "admin") await assertAnotherActiveAdmin(tx, user.id);
    const [updated] = await tx
      .update(users)
      .set({ active, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: active ? "user.reactivated" : "user.deactivated",
        subject: { type: "user", id: userId },
        data: { email: user.email },
        ip: ctx.ip,
      },
    });
    return toPublicUser(updated!);
  });
}
