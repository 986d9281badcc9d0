import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { verifyPassword } from "@/lib/auth/password";
import { createUserFactory, ctxFor } from "@/test/factories";
import { changeRole, createUser, listUsers, resetPassword, setUserActive } from ".";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function adminCtx() {
  return ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
}

describe("user management", () => {
  it("creates a user with a hashed password, audited, and refuses a duplicate email", async () => {
    const ctx = await adminCtx();
    const created = await createUser({
      ctx,
      input: {
        email: "New.Person@Example.test",
        name: " New Person ",
        role: "reviewer",
        password: "a long passphrase",
      },
    });
    expect(created).toMatchObject({
      email: "new.person@example.test",
      name: "New Person",
      role: "reviewer",
      active: true,
    });
    expect(created).not.toHaveProperty("passwordHash");
    const [row] = await ctx.db.select().from(users).where(eq(users.id, created.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row!.passwordHash!, "a long passphrase")).toBe(true);
    await expect(
      createUser({
        ctx,
        input: { email: "new.person@example.test", name: "Again", role: "designer", password: "a long passphrase" },
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    const audited = await ctx.db.select().from(auditEvents).where(eq(auditEvents.action, "user.created"));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorId: ctx.actor.id, subjectId: created.id });
  });

  it("validates input with field messages", async () => {
    const ctx = await adminCtx();
    await expect(
      createUser({ ctx, input: { email: "not-an-email", name: "", role: "superuser", password: "short" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: {
        email: ["Enter a valid email address."],
        name: ["Enter a name."],
        role: [expect.stringContaining("Role must be one of")],
        password: ["Passwords need at least 12 characters."],
      },
    });
  });

  it("refuses a common password, when creating a user and when resetting one, saying why and what to do", async () => {
    const ctx = await adminCtx();
    const weak = expect.stringMatching(
      /too easy to guess\. This is similar to a commonly used password\. Use three or four unrelated words/,
    );
    await expect(
      createUser({
        ctx,
        input: { email: "weak@example.test", name: "Weak", role: "designer", password: "password1234" },
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: weak,
      fields: { password: [weak] },
    });
    expect(await ctx.db.select().from(users).where(eq(users.email, "weak@example.test"))).toHaveLength(0);
    // The person's own name and email make a password guessable too.
    await expect(
      createUser({
        ctx,
        input: {
          email: "mariagonzalez@example.test",
          name: "Maria Gonzalez",
          role: "designer",
          password: "mariagonzalez1",
        },
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { password: [expect.stringContaining("too easy to guess")] },
    });

    const u = await createUserFactory(ctx.db);
    await expect(resetPassword({ ctx, input: { userId: u.id, password: "qwertyuiop123" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { password: [expect.stringContaining("too easy to guess")] },
    });
    const [row] = await ctx.db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(row!.passwordHash!, u.password)).toBe(true);
  });

  it("changing a role or deactivating bumps the session version and is audited", async () => {
    const ctx = await adminCtx();
    const u = await createUserFactory(ctx.db, { role: "designer" });
    const changed = await changeRole({ ctx, input: { userId: u.id, role: "finance" } });
    expect(changed.role).toBe("finance");
    await setUserActive({ ctx, input: { userId: u.id, active: false } });
    const [row] = await ctx.db.select().from(users).where(eq(users.id, u.id));
    expect(row).toMatchObject({ role: "finance", active: false, sessionVersion: 2 });
    await setUserActive({ ctx, input: { userId: u.id, active: true } });
    await resetPassword({ ctx, input: { userId: u.id, password: "a brand new passphrase" } });
    const actions = (
      await ctx.db.select().from(auditEvents).where(eq(auditEvents.subjectId, u.id)).orderBy(auditEvents.seq)
    ).map((e) => e.action);
    expect(actions).toEqual(["user.role_changed", "user.deactivated", "user.reactivated", "user.password_reset"]);
    expect((await verifyAuditChain({ db: ctx.db })).ok).toBe(true);
  });

  it("never leaves Kiln without an active admin, and an admin cannot deactivate themselves", async () => {
    const fresh = await createTestDatabase();
    try {
      const admin = await createUserFactory(fresh.db, { role: "admin" });
      const ctx = ctxFor(fresh.db, admin);
      await expect(setUserActive({ ctx, input: { userId: admin.id, active: false } })).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(changeRole({ ctx, input: { userId: admin.id, role: "designer" } })).rejects.toMatchObject({
        code: "conflict",
        message: expect.stringContaining("last active admin"),
      });
      const second = await createUserFactory(fresh.db, { role: "admin" });
      await expect(changeRole({ ctx, input: { userId: admin.id, role: "designer" } })).resolves.toMatchObject({
        role: "designer",
      });
      await expect(
        setUserActive({ ctx: ctxFor(fresh.db, admin), input: { userId: second.id, active: false } }),
      ).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await fresh.close();
    }
  });

  it("refuses unknown users and malformed ids", async () => {
    const ctx = await adminCtx();
    await expect(
      changeRole({ ctx, input: { userId: "00000000-0000-4000-8000-000000000000", role: "finance" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(setUserActive({ ctx, input: { userId: "1; drop table users", active: false } })).rejects.toMatchObject(
      { code: "invalid_input" },
    );
    expect((await listUsers({ ctx })).length).toBeGreaterThan(0);
  });
});
