import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { sessions, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "./context";

export type SessionMethod = "password" | "oidc";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Claims come from a cookie: anything that is not a uuid never reaches a uuid column. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Records a new sign-in; its id goes into the session cookie. */
export async function startSession({
  db,
  input,
}: {
  db: Db;
  input: { userId: string; method: SessionMethod; ip: string | null; userAgent?: string | null };
}): Promise<{ id: string }> {
  const [row] = await db
    .insert(sessions)
    .values({
      userId: input.userId,
      method: input.method,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .returning({ id: sessions.id });
  return row!;
}

/**
 * Sign-out: revokes the one session the cookie names, so a copy of the cookie stops working
 * too. Idempotent: the console's action and Auth.js's signOut event both call it, and only the
 * call that revokes the session writes the audit row.
 */
export async function endSession({
  db,
  claims,
  ip,
}: {
  db: Db;
  claims: { userId?: string | null; sessionId?: string | null } | null;
  ip: string | null;
}): Promise<{ revoked: boolean }> {
  if (!isUuid(claims?.userId)) return { revoked: false };
  const userId = claims.userId;
  const sessionId = isUuid(claims.sessionId) ? claims.sessionId : null;
  const revoked = sessionId
    ? await db
        .update(sessions)
        .set({ revokedAt: new Date(), revokedReason: "signed_out" })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id })
    : [];
  if (revoked.length === 0) return { revoked: false };
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  await recordAudit({
    db,
    input: {
      actor: { id: userId, email: user?.email ?? null },
      action: "auth.signed_out",
      data: { scope: "session", sessionId },
      ip,
    },
  });
  return { revoked: true };
}

/**
 * "Sign out everywhere": bumps the session version (so even a cookie from before sessions were
 * recorded stops working) and revokes every open session row of the acting user.
 */
export async function endAllSessions({ ctx }: { ctx: Ctx }): Promise<{ revoked: number }> {
  return ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, ctx.actor.id));
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date(), revokedReason: "signed_out_everywhere" })
      .where(and(eq(sessions.userId, ctx.actor.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "auth.signed_out",
        data: { scope: "everywhere", revoked: revoked.length },
        ip: ctx.ip,
      },
    });
    return { revoked: revoked.length };
  });
}
