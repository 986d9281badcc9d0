import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { hashPassword } from "@/lib/auth/password";
import { assertStrongPassword } from "@/lib/auth/password-strength";
import { AppError, parseInput } from "@/lib/errors";
import { toPublicUser, type PublicUser } from "./public-user";
import { createUserInput } from "./schemas";

export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PublicUser> {
  const data = parseInput(createUserInput, input);
  await assertStrongPassword({ password: data.password, userInputs: [data.email, data.name] });
  const passwordHash = await hashPassword(data.password);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, data.email)).limit(1);
    if (existing)
      throw new AppError("conflict", `A user with the email ${data.email} already exists.`, {
        fields: { email: ["Already in use."] },
      });
    const [user] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, role: data.role, passwordHash })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "user.created",
        subject: { type: "user", id: user!.id },
        data: { email: data.email, role: data.role },
        ip: ctx.ip,
      },
    });
    return toPublicUser(user!);
  });
}
