import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { assertAnotherActiveAdmin, loadUserForUpdate } from "./admin-guards";
import { toPublicUser, type PublicUser } from "./public-user";
import { changeRoleInput } from "./schemas";

/** Changing a role ends the user's current sessions, so the new role applies at once. */
export async function changeRole({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PublicUser> {
  const { userId, role } = parseInput(changeRoleInput, input);
  return ctx.db.transaction(async (tx) => {
    const user = await loadUserForUpdate(tx, userId);
    if (user.role === role) return toPublicUser(user);
    if (user.role === "admin") await assertAnotherActiveAdmin(tx, user.id);
    const [updated] = await tx
      .update(users)
      .set({ role, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "user.role_changed",
        subject: { type: "user", id: userId },
        data: { email: user.email, from: user.role, to: role },
        ip: ctx.ip,
      },
    });
    return toPublicUser(updated!);
  });
}
