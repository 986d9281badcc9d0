import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { Ctx } from "./context";
import { can, type Permission } from "./permissions";

/** What the session cookie may claim. Only the user id and session version are trusted. */
export type SessionClaims = { userId?: string | null; sessionVersion?: number | null } | null;

/**
 * Turns session claims into a context, reading the user from the database on every request:
 * the role always comes from the database, and a deactivated user or a session older than the
 * last role change stops working at once.
 */
export async function resolveSession({
  db,
  claims,
  permission,
  ip,
}: {
  db: Db;
  claims: SessionClaims;
  permission: Permission;
  ip: string | null;
}): Promise<Ctx> {
  if (!claims?.userId) throw new AppError("unauthenticated", "Sign in to continue.");
  const [user] = await db.select().from(users).where(eq(users.id, claims.userId)).limit(1);
  if (!user || !user.active || user.sessionVersion !== (claims.sessionVersion ?? -1)) {
    await recordAudit({
      db,
      input: {
        actor: { id: user?.id ?? null, email: user?.email ?? null },
        action: "auth.session_rejected",
        data: { reason: !user ? "unknown_user" : !user.active ? "deactivated" : "stale_session" },
        ip,
      },
    });
    throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  }
  const actor = { id: user.id, email: user.email, name: user.name, role: user.role };
  if (!can(user.role, permission)) {
    await recordAudit({ db, input: { actor, action: "access.denied", data: { permission }, ip } });
    throw new AppError("forbidden", "Your role does not allow this. Ask an admin if you need access.");
  }
  return { db, actor, ip };
}
