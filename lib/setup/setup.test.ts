import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { hashPassword } from "@/lib/auth/password";
import { passwordWeakness } from "@/lib/auth/password-strength";
import { createFirstAdmin, needsFirstRun } from "./first-run";
import { DEMO_USERS, seedDemoUsers } from "./demo-users";

// Counts argon2 runs: setup must not spend one on a caller it is going to refuse.
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...original, hashPassword: vi.fn(original.hashPassword) };
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("first run", () => {
  it("refuses a common password for the first admin, before any account exists", async () => {
    await expect(
      createFirstAdmin({
        db: database.db,
        input: { email: "w@example.test", name: "W", password: "password1234", confirm: "password1234" },
        ip: null,
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { password: [expect.stringContaining("too easy to guess")] },
    });
    expect(await needsFirstRun({ db: database.db })).toBe(true);
  });

  it("checks the two passwords match", async () => {
    await expect(
      createFirstAdmin({
        db: database.db,
        input: {
          email: "c@example.test",
          name: "C",
          password: "a long enough passphrase",
          confirm: "different passphrase!",
        },
        ip: null,
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { confirm: ["The two passwords do not match."] },
    });
  });

  it("creates exactly one admin even when two browsers race, then refuses", async () => {
    const { db } = database;
    expect(await needsFirstRun({ db })).toBe(true);
    const input = (email: string) => ({
      email,
      name: "First Admin",
      password: "a long enough passphrase",
      confirm: "a long enough passphrase",
    });
    const results = await Promise.allSettled([
      createFirstAdmin({ db, input: input("a@example.test"), ip: null }),
      createFirstAdmin({ db, input: input("b@example.test"), ip: null }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    const all = await db.select().from(users);
    expect(all).toHaveLength(1);
    expect(all[0]!.role).toBe("admin");
    expect(await needsFirstRun({ db })).toBe(false);
  });

  it("once set up, refuses anyone else before hashing anything (no argon2 for anonymous callers)", async () => {
    vi.mocked(hashPassword).mockClear();
    const input = {
      email: "late@example.test",
      name: "Late",
      password: "another long passphrase",
      confirm: "another long passphrase",
    };
    await expect(createFirstAdmin({ db: database.db, input, ip: null })).rejects.toMatchObject({ code: "conflict" });
    // Nor for junk input: the answer is the same and just as cheap.
    await expect(
      createFirstAdmin({ db: database.db, input: { password: "x".repeat(1024) }, ip: null }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(hashPassword).not.toHaveBeenCalled();
  });

  it("seeds one demo user per role, once", async () => {
    const { db } = database;
    expect(await seedDemoUsers({ db })).toHaveLength(4);
    expect(await seedDemoUsers({ db })).toEqual([]);
    const rows = await db.select().from(users);
    expect(new Set(rows.filter((r) => r.email.endsWith("@kiln.local")).map((r) => r.role))).toEqual(
      new Set(["admin", "designer", "reviewer", "finance"]),
    );
    expect(DEMO_USERS.every((u) => u.password.length >= 12)).toBe(true);
    // Seeded directly, but they would pass the rule anyone else's password must pass.
    for (const u of DEMO_USERS) expect(await passwordWeakness(u.password, [u.email, u.name])).toBeNull();
    // The demo teams, with the demo designer in Brand.
    const teamRows = await db.select().from(teams);
    expect(teamRows.map((t) => t.name).sort()).toEqual(["Brand", "Growth"]);
    expect(rows.find((r) => r.email === "designer@kiln.local")!.teamId).toBe(
      teamRows.find((t) => t.name === "Brand")!.id,
    );
  });
});
