import { and, eq, inArray, or } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { notifications, users, type Budget } from "@/db/schema";

/** Finance and admins always; for a team budget its members, for a user budget that user. */
export async function budgetRecipients(
  db: DbExecutor,
  budget: Pick<Budget, "scope" | "scopeKey"> | null,
): Promise<string[]> {
  const affected =
    budget?.scope === "team"
      ? eq(users.teamId, budget.scopeKey)
      : budget?.scope === "user"
        ? eq(users.id, budget.scopeKey)
        : undefined;
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.active, true),
        affected ? or(inArray(users.role, ["finance", "admin"]), affected) : inArray(users.role, ["finance", "admin"]),
      ),
    );
  return rows.map((r) => r.id);
}

export async function notifyUsers(db: DbExecutor, userIds: string[], kind: string, message: string): Promise<void> {
  if (userIds.length === 0) return;
  await db.insert(notifications).values(userIds.map((userId) => ({ userId, kind, message })));
}
