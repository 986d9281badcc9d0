import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { hashPassword } from "@/lib/auth/password";
import { assertStrongPassword } from "@/lib/auth/password-strength";
import { AppError, parseInput } from "@/lib/errors";
import { loadUserForUpdate } from "./admin-guards";
import { resetPasswordInput } from "./schemas";

/** An admin sets a new password; the user's open sessions end. */
export async function resetPassword({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { userId, password } = parseInput(resetPasswordInput, input);
  // The person's own name and email make a password guessable, so they count against it.
  const [person] = await ctx.db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  await assertStrongPassword({ password, userInputs: [person?.email, person?.name] });
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction(async (tx) => {
    const user = await loadUserForUpdate(tx, userId);
    if (user.serviceAccount)
      throw new AppError(
        "conflict",
        "A service account never signs in, so it has no password. Manage its API tokens under Developers → API tokens.",
      );
    await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, userId));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "user.password_reset",
        subject: { type: "user", id: userId },
        data: { email: user.email },
        ip: ctx.ip,
      },
    });
  });
}
