import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createUserFactory } from "@/test/factories";
import { resolveSession } from "./resolve-session";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("resolveSession (the guard's core)", () => {
  it("refuses a missing session as unauthenticated", async () => {
    await expect(resolveSession({ db: database.db, claims: null, permission: "console.view", ip: null })).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(resolveSession({ db: database.db, claims: { userId: null }, permission: "console.view", ip: null })).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });

  it("takes the role from the database, never from the session", async () => {
    const { db } = database;
    const designer = await createUserFactory(db, { role: "designer" });
    const forged = { userId: designer.id, sessionVersion: 0, role: "admin" } as never;
    const ctx = await resolveSession({ db, claims: forged, permission: "uploads.create", ip: null });
    expect(ctx.actor.role).toBe("designer");
    await expect(resolveSession({ db, claims: forged, permission: "users.manage", ip: "192.0.2.1" })).rejects.toMatchObject({ code: "forbidden" });
    const denied = await db.select().from(auditEvents).where(eq(auditEvents.action, "access.denied"));
    expect(denied.at(-1)).toMatchObject({ actorId: designer.id, data: { permission: "users.manage" }, ip: "192.0.2.1" });
  });

  it("ends the session of a deactivated user and of a session older than the last role change", async () => {
    const { db } = database;
    const u = await createUserFactory(db, { role: "reviewer" });
    await expect(resolveSession({ db, claims: { userId: u.id, sessionVersion: 0 }, permission: "console.view", ip: null })).resolves.toBeTruthy();
    await db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, u.id));
    await expect(resolveSession({ db, claims: { userId: u.id, sessionVersion: 0 }, permission: "console.view", ip: null })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    await expect(resolveSession({ db, claims: { userId: u.id, sessionVersion: 1 }, permission: "console.view", ip: null })).resolves.toBeTruthy();
    await db.update(users).set({ active: false }).where(eq(users.id, u.id));
    await expect(resolveSession({ db, claims: { userId: u.id, sessionVersion: 1 }, permission: "console.view", ip: null })).rejects.toMatchObject({
      code: "unauthenticated",
      message: "Your session has ended. Sign in again.",
    });
    const rejected = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.session_rejected"));
    expect(rejected.map((r) => (r.data as { reason: string }).reason)).toEqual(["stale_session", "deactivated"]);
  });
});
