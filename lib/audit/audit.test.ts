import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase } from "@/db/testing";
import type { Database } from "@/db";
import { auditEvents } from "@/db/schema";
import { recordAudit, verifyAuditChain, listAuditEvents } from "@/lib/audit";
import { GENESIS_HASH } from "./hash";
import { together } from "@/db/together";
import { databaseErrorOf } from "@/test/db-errors";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("audit log", () => {
  it("chains every event to the one before it and verifies", async () => {
    const { db } = database;
    expect(await verifyAuditChain({ db })).toEqual({ ok: true, checked: 0, headHash: GENESIS_HASH });
    const a = await recordAudit({
      db,
      input: { actor: null, action: "setup.admin_created", data: { b: 1, a: { z: 2, y: [1, "x"] } } },
    });
    const b = await recordAudit({
      db,
      input: { actor: { id: null, email: "x@y.z" }, action: "auth.sign_in_failed", ip: "10.0.0.1" },
    });
    const rows = await db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, a.hash]);
    const report = await verifyAuditChain({ db });
    expect(report).toEqual({ ok: true, checked: 2, headHash: b.hash });
  });

  it("keeps the chain linear under concurrent writers", async () => {
    const { db } = database;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordAudit({ db, input: { actor: null, action: "user.created", data: { i } } }),
      ),
    );
    const report = await verifyAuditChain({ db });
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(22);
  });

  it("keeps the chain linear when one transaction starts two events together (db/together.ts)", async () => {
    const { db } = database;
    const [first, second] = await db.transaction((tx) =>
      together(
        recordAudit({ db: tx, input: { actor: null, action: "user.created", data: { together: 1 } } }),
        recordAudit({ db: tx, input: { actor: null, action: "user.created", data: { together: 2 } } }),
      ),
    );
    expect(second.seq).toBe(first.seq + 1);
    const [row] = await db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} = ${second.seq}`);
    expect(row!.prevHash).toBe(first.hash);
    const report = await verifyAuditChain({ db });
    expect(report).toMatchObject({ ok: true, checked: 24 });
  });

  it("refuses UPDATE, DELETE and TRUNCATE in the database itself", async () => {
    const { db } = database;
    expect(await databaseErrorOf(db.execute(sql`update audit_events set action = 'forged'`))).toMatch(
      /append-only: UPDATE/,
    );
    expect(await databaseErrorOf(db.execute(sql`delete from audit_events`))).toMatch(/append-only: DELETE/);
    expect(await databaseErrorOf(db.execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/);
    expect((await verifyAuditChain({ db })).ok).toBe(true);
  });

  it("reports the first broken link when a row was tampered with", async () => {
    const { db } = database;
    // Simulate tampering by someone with superuser rights who disabled the trigger.
    await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await db.execute(sql`update audit_events set data = '{"i": 999}'::jsonb where seq = 5`);
    await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
    const report = await verifyAuditChain({ db });
    expect(report).toMatchObject({ ok: false, brokenAt: 5, checked: 4 });
  });

  it("lists newest first with filters", async () => {
    const { db } = database;
    const failed = await listAuditEvents({ db, input: { action: "auth.", limit: 10 } });
    expect(failed.map((r) => r.action)).toEqual(["auth.sign_in_failed"]);
    const page = await listAuditEvents({ db, input: { limit: 3 } });
    expect(page[0]!.seq).toBeGreaterThan(page[2]!.seq);
    await expect(listAuditEvents({ db, input: { limit: 10_000 } })).rejects.toThrow(/limit/);
  });
});
