import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createUserFactory } from "@/test/factories";
import { resolveSession } from "./resolve-session";
import { endAllSessions, endSession, startSession } from "./sessions";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** The claims a freshly signed-in cookie carries: user id, session version and a recorded session. */
async function signedIn(user: { id: string; sessionVersion?: number }) {
  const { id } = await startSession({ db: database.db, input: { userId: user.id, method: "password", ip: null } });
  return { userId: user.id, sessionVersion: user.sessionVersion ?? 0, sessionId: id };
}

describe("resolveSession (the guard's core)", () => {
  it("refuses a missing session as unauthenticated", async () => {
    await expect(
      resolveSession({ db: database.db, claims: null, permission: "console.view", ip: null }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(
      resolveSession({ db: database.db, claims: { userId: null }, permission: "console.view", ip: null }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });

  it("takes the role from the database, never from the session", async () => {
    const { db } = database;
    const designer = await createUserFactory(db, { role: "designer" });
    const forged = { ...(await signedIn(designer)), role: "admin" } as never;
    const ctx = await resolveSession({ db, claims: forged, permission: "uploads.create", ip: null });
    expect(ctx.actor.role).toBe("designer");
    await expect(
      resolveSession({ db, claims: forged, permission: "users.manage", ip: "192.0.2.1" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const denied = await db.select().from(auditEvents).where(eq(auditEvents.action, "access.denied"));
    expect(denied.at(-1)).toMatchObject({
      actorId: designer.id,
      data: { permission: "users.manage" },
      ip: "192.0.2.1",
    });
  });

  it("ends the session of a deactivated user and of a session older than the last role change", async () => {
    const { db } = database;
    const u = await createUserFactory(db, { role: "reviewer" });
    const { sessionId } = await signedIn(u);
    await expect(
      resolveSession({
        db,
        claims: { userId: u.id, sessionVersion: 0, sessionId },
        permission: "console.view",
        ip: null,
      }),
    ).resolves.toBeTruthy();
    await db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, u.id));
    await expect(
      resolveSession({
        db,
        claims: { userId: u.id, sessionVersion: 0, sessionId },
        permission: "console.view",
        ip: null,
      }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
    });
    await expect(
      resolveSession({
        db,
        claims: { userId: u.id, sessionVersion: 1, sessionId },
        permission: "console.view",
        ip: null,
      }),
    ).resolves.toBeTruthy();
    await db.update(users).set({ active: false }).where(eq(users.id, u.id));
    await expect(
      resolveSession({
        db,
        claims: { userId: u.id, sessionVersion: 1, sessionId },
        permission: "console.view",
        ip: null,
      }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      message: "Your session has ended. Sign in again.",
    });
    const rejected = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.session_rejected"));
    expect(rejected.map((r) => (r.data as { reason: string }).reason)).toEqual(["stale_session", "deactivated"]);
  });

  it("sign-out ends that session on the server: a copy of its cookie is refused, the user's other sessions go on", async () => {
    const { db } = database;
    const u = await createUserFactory(db, { role: "designer" });
    const laptop = await signedIn(u);
    const phone = await signedIn(u);
    await expect(resolveSession({ db, claims: laptop, permission: "console.view", ip: null })).resolves.toBeTruthy();

    expect(await endSession({ db, claims: laptop, ip: "192.0.2.5" })).toEqual({ revoked: true });
    // Signing out twice (the action, then Auth.js's event) revokes and audits once.
    expect(await endSession({ db, claims: laptop, ip: "192.0.2.5" })).toEqual({ revoked: false });
    // The copied cookie still decrypts and still carries the right version, but its session is gone.
    await expect(resolveSession({ db, claims: laptop, permission: "console.view", ip: null })).rejects.toMatchObject({
      code: "unauthenticated",
      message: "Your session has ended. Sign in again.",
    });
    await expect(resolveSession({ db, claims: phone, permission: "console.view", ip: null })).resolves.toBeTruthy();

    const out = await db.select().from(auditEvents).where(eq(auditEvents.actorId, u.id));
    expect(
      out.map((r) => [
        r.action,
        (r.data as { reason?: string; scope?: string }).reason ?? (r.data as { scope?: string }).scope,
      ]),
    ).toEqual([
      ["auth.signed_out", "session"],
      ["auth.session_rejected", "revoked_session"],
    ]);
    expect(out[0]).toMatchObject({
      actorEmail: u.email,
      ip: "192.0.2.5",
      data: { scope: "session", sessionId: laptop.sessionId },
    });
  });

  it("sign out everywhere ends every session of the user (and only theirs); a new sign-in works", async () => {
    const { db } = database;
    const u = await createUserFactory(db, { role: "reviewer" });
    const other = await createUserFactory(db, { role: "reviewer" });
    const a = await signedIn(u);
    const b = await signedIn(u);
    const theirs = await signedIn(other);
    const ctx = await resolveSession({ db, claims: a, permission: "console.view", ip: "192.0.2.6" });

    expect(await endAllSessions({ ctx })).toEqual({ revoked: 2 });
    for (const claims of [a, b]) {
      await expect(resolveSession({ db, claims, permission: "console.view", ip: null })).rejects.toMatchObject({
        code: "unauthenticated",
      });
    }
    await expect(resolveSession({ db, claims: theirs, permission: "console.view", ip: null })).resolves.toBeTruthy();
    // A fresh sign-in carries the new version and a new session.
    const again = await signedIn({ id: u.id, sessionVersion: 1 });
    await expect(resolveSession({ db, claims: again, permission: "console.view", ip: null })).resolves.toBeTruthy();

    const [audited] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, u.id), eq(auditEvents.action, "auth.signed_out")));
    expect(audited).toMatchObject({ ip: "192.0.2.6", data: { scope: "everywhere", revoked: 2 } });
  });

  it("refuses a cookie with no session, an unknown session, another user's session, or ids that are not uuids", async () => {
    const { db } = database;
    const u = await createUserFactory(db);
    const other = await createUserFactory(db);
    const theirs = await signedIn(other);
    for (const claims of [
      { userId: u.id, sessionVersion: 0 },
      { userId: u.id, sessionVersion: 0, sessionId: "00000000-0000-4000-8000-000000000000" },
      { userId: u.id, sessionVersion: 0, sessionId: theirs.sessionId },
      { userId: u.id, sessionVersion: 0, sessionId: "'; drop table users; --" },
      { userId: "not-a-uuid", sessionVersion: 0, sessionId: theirs.sessionId },
    ]) {
      await expect(resolveSession({ db, claims, permission: "console.view", ip: null })).rejects.toMatchObject({
        code: "unauthenticated",
      });
    }
  });
});
