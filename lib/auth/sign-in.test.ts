import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createUserFactory } from "@/test/factories";
import { verifyCredentials } from "./sign-in";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const policy = { maxFailures: 3, windowMinutes: 15 };

async function auditActions(email: string) {
  const rows = await database.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.actorEmail, email))
    .orderBy(auditEvents.seq);
  return rows.map((r) => `${r.action}:${(r.data as { reason?: string }).reason ?? ""}`);
}

describe("verifyCredentials", () => {
  it("signs in with the right password, case-insensitively by email, and audits it", async () => {
    const { db } = database;
    const u = await createUserFactory(db, { email: "mixed@example.test" });
    const result = await verifyCredentials({
      db,
      input: { email: "  MIXED@example.test ", password: u.password },
      ip: "198.51.100.1",
      policy,
    });
    expect(result).toMatchObject({ ok: true, user: { id: u.id, role: "designer" } });
    expect(await auditActions(u.email)).toEqual(["auth.signed_in:"]);
    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row!.lastSignInAt).toBeInstanceOf(Date);
  });

  it("gives the same answer for a wrong password, an unknown user and a deactivated user", async () => {
    const { db } = database;
    const u = await createUserFactory(db);
    const off = await createUserFactory(db, { active: false });
    const wrong = await verifyCredentials({ db, input: { email: u.email, password: "nope" }, ip: null, policy });
    const unknown = await verifyCredentials({
      db,
      input: { email: "ghost@example.test", password: "nope" },
      ip: null,
      policy,
    });
    const deactivated = await verifyCredentials({
      db,
      input: { email: off.email, password: off.password },
      ip: null,
      policy,
    });
    for (const r of [wrong, unknown, deactivated])
      expect(r).toEqual({
        ok: false,
        reason: "invalid_credentials",
        message: "That email and password do not match an active account.",
      });
    expect(await auditActions(u.email)).toEqual(["auth.sign_in_failed:wrong_password"]);
    expect(await auditActions("ghost@example.test")).toEqual(["auth.sign_in_failed:unknown_user"]);
    expect(await auditActions(off.email)).toEqual(["auth.sign_in_failed:deactivated"]);
  });

  it("refuses empty, oversized and non-string input without touching the users table, and audits it", async () => {
    const { db } = database;
    for (const input of [
      {},
      { email: "", password: "" },
      { email: `${"a".repeat(300)}@x.io`, password: "x" },
      { email: "a@b.co", password: "x".repeat(2000) },
      { email: ["a"], password: 1 },
      null,
    ]) {
      const r = await verifyCredentials({ db, input, ip: null, policy });
      expect(r).toMatchObject({ ok: false, reason: "invalid_input" });
    }
    const failures = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sign_in_failed"));
    expect(failures.filter((f) => (f.data as { reason: string }).reason === "invalid_input")).toHaveLength(6);
  });

  it("rate-limits an account after too many failures, even for the right password", async () => {
    const { db } = database;
    const u = await createUserFactory(db);
    for (let i = 0; i < policy.maxFailures; i += 1) {
      expect(
        (await verifyCredentials({ db, input: { email: u.email, password: `guess ${i}` }, ip: null, policy })).ok,
      ).toBe(false);
    }
    const blocked = await verifyCredentials({ db, input: { email: u.email, password: u.password }, ip: null, policy });
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
    expect((await auditActions(u.email)).at(-1)).toBe("auth.sign_in_rate_limited:");
    // Another account is not affected.
    const other = await createUserFactory(db);
    expect(
      (await verifyCredentials({ db, input: { email: other.email, password: other.password }, ip: null, policy })).ok,
    ).toBe(true);
  });

  it("rate-limits an address that guesses across many accounts", async () => {
    const { db } = database;
    const ip = "192.0.2.99";
    for (let i = 0; i < policy.maxFailures * 4; i += 1) {
      await verifyCredentials({ db, input: { email: `spray${i}@example.test`, password: "guess" }, ip, policy });
    }
    const u = await createUserFactory(db);
    expect(await verifyCredentials({ db, input: { email: u.email, password: u.password }, ip, policy })).toMatchObject({
      reason: "rate_limited",
    });
    expect(
      (await verifyCredentials({ db, input: { email: u.email, password: u.password }, ip: "192.0.2.100", policy })).ok,
    ).toBe(true);
  });
});
