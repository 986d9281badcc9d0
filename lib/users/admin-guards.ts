import { and, count, eq, ne } from "drizzle-orm";
import type { Tx } from "@/db";
import { users, type User } from "@/db/schema";
import { AppError } from "@/lib/errors";

export async function loadUserForUpdate(tx: Tx, userId: string): Promise<User> {
  const [user] = await tx.select().from(users).where(eq(users.id, userId)).limit(1).for("update");
  if (!user) throw new AppError("not_found", "That user does not exist.");
  return user;
}

/** Kiln must always keep one active admin who can sign in (a service account cannot), or nobody could manage it again. */
export async function assertAnotherActiveAdmin(tx: Tx, exceptUserId: string): Promise<void> {
  const [row] = await tx
    .select({ n: count() })
    .from(users)
    .where(
      and(eq(users.role, "admin"), eq(users.active, true), eq(users.serviceAccount, false), ne(users.id, exceptUserId)),
    );
  if ((row?.n ?? 0) === 0)
    throw new AppError("conflict", "This is the last active admin. Make another user an admin first.");
}
