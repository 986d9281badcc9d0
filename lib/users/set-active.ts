import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { revokeTokensOfUser } from "@/lib/api-tokens/manage";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { assertAnotherActiveAdmin, loadUserForUpdate } from "./admin-guards";
import { toPublicUser, type PublicUser } from "./public-user";
import { setActiveInput } from "./schemas";

/** Deactivation bumps the session version (the user's open sessions stop at their next request) and revokes their API tokens. */
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
    // A deactivated account's tokens are refused anyway; revoking them too means reactivating it
    // does not silently bring old credentials back to life.
    const tokensRevoked = active ? 0 : await revokeTokensOfUser({ ctx: { ...ctx, db: tx }, userId });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: active ? "user.reactivated" : "user.deactivated",
        subject: { type: "user", id: userId },
        data: active ? { email: user.email } : { email: user.email, tokensRevoked },
        ip: ctx.ip,
      },
    });
    return toPublicUser(updated!);
  });
}
