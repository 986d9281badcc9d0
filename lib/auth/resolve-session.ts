import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { sessions, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { Ctx } from "./context";
import { can, type Permission } from "./permissions";
import { isUuid } from "./sessions";

/** What the session cookie may claim. Only the user id, session version and session id are trusted. */
export type SessionClaims = {
  userId?: string | null;
  sessionVersion?: number | null;
  sessionId?: string | null;
} | null;

// Matches no row: a cookie without a session id joins to nothing and is refused.
const NO_SESSION = "00000000-0000-0000-0000-000000000000";

type Rejection = "unknown_user" | "deactivated" | "stale_session" | "unknown_session" | "revoked_session";

/**
 * Turns session claims into a context, reading the user from the database on every request:
 * the role always comes from the database, and a deactivated user, a session older than the
 * last role change, and a signed-out (revoked) session stop working at once.
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
  // The user and the cookie's session row in one read; ids that are not uuids never reach SQL.
  const sessionId = isUuid(claims.sessionId) ? claims.sessionId : null;
  const [row] = isUuid(claims.userId)
    ? await db
        .select({ user: users, session: { id: sessions.id, revokedAt: sessions.revokedAt } })
        .from(users)
        .leftJoin(sessions, and(eq(sessions.id, sessionId ?? NO_SESSION), eq(sessions.userId, users.id)))
        .where(eq(users.id, claims.userId))
        .limit(1)
    : [];
  const user = row?.user;
  const reason: Rejection | null = !user
    ? "unknown_user"
    : !user.active
      ? "deactivated"
      : user.sessionVersion !== (claims.sessionVersion ?? -1)
        ? "stale_session"
        : !row.session
          ? "unknown_session"
          : row.session.revokedAt
            ? "revoked_session"
            : null;
  if (reason || !user) {
    await recordAudit({
      db,
      input: {
        actor: { id: user?.id ?? null, email: user?.email ?? null },
        action: "auth.session_rejected",
        data: { reason },
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
