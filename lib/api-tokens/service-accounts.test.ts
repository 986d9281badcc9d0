import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { apiTokens, auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { hashPassword } from "@/lib/auth/password";
import { matchOidcUser } from "@/lib/auth/oidc";
import { verifyCredentials } from "@/lib/auth/sign-in";
import { changeRole, resetPassword, setUserActive } from "@/lib/users";
import { createUserFactory, ctxFor } from "@/test/factories";
import {
  createApiToken,
  createServiceAccount,
  listApiTokens,
  listServiceAccounts,
  resolveApiToken,
  SERVICE_ACCOUNT_EMAIL_DOMAIN,
} from ".";

vi.mock("server-only", () => ({}));

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const policy = { maxFailures: 5, windowMinutes: 15 };
const bearer = (token: string) => `Bearer ${token}`;

async function ctxOf(role: "admin" | "designer" | "reviewer" | "finance") {
  return ctxFor(database.db, await createUserFactory(database.db, { role }));
}

describe("service accounts", () => {
  it("an admin creates one: no password, flagged, an unroutable address, audited as service_account.created", async () => {
    const admin = await ctxOf("admin");
    const sa = await createServiceAccount({ ctx: admin, input: { name: " PIM sync ", role: "designer" } });
    expect(sa).toMatchObject({ name: "PIM sync", role: "designer", active: true, liveTokens: 0 });
    expect(sa.email).toMatch(
      new RegExp(`^pim-sync-[0-9a-f]{8}@${SERVICE_ACCOUNT_EMAIL_DOMAIN.replace(/\./g, "\\.")}$`),
    );
    const [row] = await database.db.select().from(users).where(eq(users.id, sa.id));
    expect(row).toMatchObject({ serviceAccount: true, passwordHash: null, role: "designer" });
    const audited = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, sa.id));
    expect(audited.map((a) => a.action)).toEqual(["service_account.created"]);
    expect(audited[0]).toMatchObject({ actorId: admin.actor.id, data: { name: "PIM sync", role: "designer" } });
  });

  it("refuses anyone but an admin, and invalid input with the field named", async () => {
    for (const role of ["designer", "reviewer", "finance"] as const) {
      await expect(
        createServiceAccount({ ctx: await ctxOf(role), input: { name: "x", role: "designer" } }),
      ).rejects.toMatchObject({ code: "forbidden" });
      await expect(listServiceAccounts({ ctx: await ctxOf(role) })).rejects.toMatchObject({ code: "forbidden" });
    }
    const admin = await ctxOf("admin");
    await expect(createServiceAccount({ ctx: admin, input: { name: "  ", role: "designer" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { name: expect.any(Array) },
    });
    await expect(
      createServiceAccount({ ctx: admin, input: { name: "x", role: "owner" as never } }),
    ).rejects.toMatchObject({ code: "invalid_input", fields: { role: expect.any(Array) } });
  });

  it("owns tokens an admin makes for it; they act with its role, and only admins see them", async () => {
    const admin = await ctxOf("admin");
    const designer = await ctxOf("designer");
    const sa = await createServiceAccount({ ctx: admin, input: { name: "CMS export", role: "reviewer" } });
    const { token, view } = await createApiToken({
      ctx: admin,
      input: { name: "cms", scopes: ["assets:read"], forUserId: sa.id },
    });
    expect(view).toMatchObject({ userId: sa.id, userName: "CMS export", serviceAccount: true, state: "active" });
    const tokenCtx = await resolveApiToken({
      db: database.db,
      authorization: bearer(token),
      ip: "198.51.100.1",
      scope: "assets:read",
      permission: "review.decide",
    });
    expect(tokenCtx.actor).toMatchObject({ id: sa.id, role: "reviewer" });
    expect((await listApiTokens({ ctx: admin })).map((t) => t.id)).toContain(view.id);
    expect((await listApiTokens({ ctx: designer })).map((t) => t.id)).not.toContain(view.id);
    await expect(
      createApiToken({ ctx: designer, input: { name: "nope", scopes: ["assets:read"], forUserId: sa.id } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const listed = await listServiceAccounts({ ctx: admin });
    expect(listed.find((s) => s.id === sa.id)).toMatchObject({ liveTokens: 1 });
  });

  it("never signs in: not with a password (even one set behind Kiln's back), not through OIDC, and cannot be given one", async () => {
    const admin = await ctxOf("admin");
    const sa = await createServiceAccount({ ctx: admin, input: { name: "Ad tool", role: "designer" } });
    const password = "a perfectly long passphrase";
    expect(
      await verifyCredentials({ db: database.db, input: { email: sa.email, password }, ip: null, policy }),
    ).toMatchObject({ ok: false, reason: "invalid_credentials" });
    await database.db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, sa.id));
    expect(
      await verifyCredentials({ db: database.db, input: { email: sa.email, password }, ip: null, policy }),
    ).toMatchObject({ ok: false, reason: "invalid_credentials" });
    expect(await matchOidcUser({ db: database.db, email: sa.email, emailVerified: true, ip: null })).toBeNull();
    const refusals = await database.db.select().from(auditEvents).where(eq(auditEvents.actorId, sa.id));
    expect(refusals.map((r) => `${r.action}:${(r.data as { reason?: string }).reason}`)).toEqual([
      "auth.sign_in_failed:service_account",
      "auth.sign_in_failed:service_account",
      "auth.sign_in_refused:service_account",
    ]);
    await expect(
      resetPassword({ ctx: admin, input: { userId: sa.id, password: "another long passphrase 42" } }),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("does not count as the active admin that must always remain", async () => {
    const fresh = await createTestDatabase();
    try {
      const admin = ctxFor(fresh.db, await createUserFactory(fresh.db, { role: "admin" }));
      await createServiceAccount({ ctx: admin, input: { name: "Admin robot", role: "admin" } });
      const other = ctxFor(fresh.db, await createUserFactory(fresh.db, { role: "admin" }));
      // Only the robot would be left: refused, because nobody could sign in to manage Kiln.
      await expect(
        changeRole({ ctx: other, input: { userId: admin.actor.id, role: "designer" } }),
      ).resolves.toBeDefined();
      await expect(
        changeRole({ ctx: admin, input: { userId: other.actor.id, role: "designer" } }),
      ).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await fresh.close();
    }
  });
});

describe("deactivation revokes tokens", () => {
  it("revokes every live token of a deactivated person or service account, audited with the count; reactivating does not revive them", async () => {
    const admin = await ctxOf("admin");
    const designer = await ctxOf("designer");
    const a = await createApiToken({ ctx: designer, input: { name: "one", scopes: ["assets:read"] } });
    await createApiToken({ ctx: designer, input: { name: "two", scopes: ["generations:write"], expiresInDays: null } });
    await setUserActive({ ctx: admin, input: { userId: designer.actor.id, active: false } });
    const rows = await database.db.select().from(apiTokens).where(eq(apiTokens.userId, designer.actor.id));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ revokedAt: expect.any(Date), revokedBy: admin.actor.id });
    const mine = (
      await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, designer.actor.id))
    ).find((e) => e.action === "user.deactivated");
    expect(mine?.data).toMatchObject({ tokensRevoked: 2 });
    await setUserActive({ ctx: admin, input: { userId: designer.actor.id, active: true } });
    await expect(
      resolveApiToken({
        db: database.db,
        authorization: bearer(a.token),
        ip: null,
        scope: "assets:read",
        permission: "assets.view",
      }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      message: "This API token was revoked.",
    });

    const sa = await createServiceAccount({ ctx: admin, input: { name: "Nightly", role: "designer" } });
    const t = await createApiToken({
      ctx: admin,
      input: { name: "nightly", scopes: ["assets:read"], forUserId: sa.id },
    });
    await setUserActive({ ctx: admin, input: { userId: sa.id, active: false } });
    const [saToken] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, t.view.id));
    expect(saToken!.revokedAt).toBeInstanceOf(Date);
  });
});
