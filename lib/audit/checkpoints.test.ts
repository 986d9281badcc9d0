import { mkdtempSync, rmSync } from "node:fs";
import { text } from "node:stream/consumers";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase } from "@/db/testing";
import type { Database } from "@/db";
import { auditCheckpoints } from "@/db/schema";
import { recordAudit, verifyAuditChain } from "@/lib/audit";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory, ctxFor } from "@/test/factories";
import { exportAuditCsv } from "./export";
import {
  checkpointBlobKey,
  latestAuditCheckpoint,
  verifyAllCheckpoints,
  verifyAuditIncremental,
  writeAuditCheckpoint,
} from "./checkpoints";

let database: Database;
let dir: string;
let store: LocalBlobStore;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "kiln-checkpoints-"));
  store = new LocalBlobStore(dir);
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function record(n: number) {
  for (let i = 0; i < n; i++)
    await recordAudit({ db: database.db, input: { actor: null, action: "user.created", data: { i } } });
}

async function readBlob(key: string): Promise<string> {
  const blob = await store.get(key);
  if (!blob) throw new Error(`no blob ${key}`);
  return text(blob.body);
}

/** What a superuser who switched the append-only trigger off could do. */
async function tamper(statement: ReturnType<typeof sql>) {
  const { db } = database;
  await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
  await db.execute(statement);
  await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
}

describe("audit checkpoints", () => {
  it("writes a signed checkpoint at the head and verifies only what came after it", async () => {
    const { db } = database;
    expect(await latestAuditCheckpoint({ db })).toBeNull();
    await record(5);
    const first = await writeAuditCheckpoint({ db, store });
    // The first checkpoint also made the installation key, which is itself an audited event.
    const total = (await verifyAuditChain({ db })) as { checked: number };
    expect(first.written).toMatchObject({ eventCount: first.report.ok ? first.report.total : -1 });
    expect(first.written!.seq).toBeGreaterThanOrEqual(5);

    const file = JSON.parse(await readBlob(checkpointBlobKey(first.written!.seq)));
    expect(file).toMatchObject({
      type: "kiln.audit-checkpoint",
      seq: first.written!.seq,
      hash: first.written!.hash,
      algorithm: "ES256",
    });
    expect(file.publicKey).toMatch(/BEGIN PUBLIC KEY/);

    // Nothing new: verified from the checkpoint, no second checkpoint.
    const again = await writeAuditCheckpoint({ db, store });
    expect(again.written).toBeNull();
    expect(again.report).toMatchObject({ ok: true, newChecked: 0, checkpoint: { seq: first.written!.seq } });

    await record(3);
    const report = await verifyAuditIncremental({ db, store });
    expect(report).toMatchObject({
      ok: true,
      newChecked: 3,
      total: total.checked + 3,
      checkpoint: { seq: first.written!.seq },
    });
    const second = await writeAuditCheckpoint({ db, store });
    expect(second.written!.seq).toBe(first.written!.seq + 3);
    expect((await latestAuditCheckpoint({ db }))!.seq).toBe(second.written!.seq);
    expect(await verifyAllCheckpoints({ db, store })).toEqual({ checked: 2, problems: [] });
  });

  it("names the newest checkpoint in the audit export", async () => {
    const { db } = database;
    const admin = await createUserFactory(db, { role: "admin" });
    const latest = (await latestAuditCheckpoint({ db }))!;
    const result = await exportAuditCsv({ ctx: ctxFor(db, admin), input: {} });
    expect(result.checkpoint).toEqual({ seq: latest.seq, hash: latest.hash });
    // Written at the export's own entry, the next checkpoint covers it.
    await writeAuditCheckpoint({ db, store });
    expect((await latestAuditCheckpoint({ db }))!.seq).toBe(result.throughSeq);
  });

  it("reports tampering with an entry after the checkpoint at its seq, and writes no checkpoint past it", async () => {
    const { db } = database;
    const before = (await latestAuditCheckpoint({ db }))!;
    await record(4);
    const target = before.seq + 2;
    await tamper(sql`update audit_events set data = '{"i": 999}'::jsonb where seq = ${target}`);
    const report = await verifyAuditIncremental({ db, store });
    expect(report).toMatchObject({ ok: false, brokenAt: target, newChecked: 1 });
    const run = await writeAuditCheckpoint({ db, store });
    expect(run.written).toBeNull();
    expect((await latestAuditCheckpoint({ db }))!.seq).toBe(before.seq);
    // Put it back so the next case starts from a whole chain.
    await tamper(sql`update audit_events set data = '{"i": 1}'::jsonb where seq = ${target}`);
    expect((await verifyAuditIncremental({ db, store })).ok).toBe(true);
  });

  it("detects a checkpoint row rewritten in the database through its signed file", async () => {
    const { db } = database;
    const latest = (await latestAuditCheckpoint({ db }))!;
    // A DBA rewrites an entry before the checkpoint, re-hashes it and moves the checkpoint's hash along.
    await db.execute(sql`update audit_checkpoints set hash = ${"f".repeat(64)} where seq = ${latest.seq}`);
    const report = await verifyAuditIncremental({ db, store });
    expect(report).toMatchObject({ ok: false, brokenAt: latest.seq });
    expect(report.ok ? "" : report.reason).toMatch(/does not match its signed file \(hash differ/);
    expect((await verifyAllCheckpoints({ db, store })).problems.map((p) => p.seq)).toEqual([latest.seq]);
    // Nothing is written on top of a checkpoint that does not check out.
    expect((await writeAuditCheckpoint({ db, store })).written).toBeNull();
    await db.execute(sql`update audit_checkpoints set hash = ${latest.hash} where seq = ${latest.seq}`);
  });

  it("refuses a signed file rewritten to match without the installation's key", async () => {
    const { db } = database;
    const latest = (await latestAuditCheckpoint({ db }))!;
    const key = checkpointBlobKey(latest.seq);
    const original = await readBlob(key);
    const forged = { ...JSON.parse(original), eventCount: 1 };
    await store.put(key, Buffer.from(JSON.stringify(forged)), { contentType: "application/json" });
    await db
      .update(auditCheckpoints)
      .set({ eventCount: 1 })
      .where(sql`seq = ${latest.seq}`);
    const report = await verifyAuditIncremental({ db, store });
    expect(report.ok ? "" : report.reason).toMatch(/valid signature/);
    await store.put(key, Buffer.from(original), { contentType: "application/json" });
    await db
      .update(auditCheckpoints)
      .set({ eventCount: latest.eventCount })
      .where(sql`seq = ${latest.seq}`);
    expect((await verifyAuditIncremental({ db, store })).ok).toBe(true);
  });

  it("reports an entry before the checkpoint whose hash no longer matches the signed checkpoint", async () => {
    const { db } = database;
    const latest = (await latestAuditCheckpoint({ db }))!;
    await tamper(sql`update audit_events set hash = ${"e".repeat(64)} where seq = ${latest.seq}`);
    const report = await verifyAuditIncremental({ db, store });
    expect(report).toMatchObject({ ok: false, brokenAt: latest.seq });
    expect(report.ok ? "" : report.reason).toMatch(/no longer has the hash/);
  });
});
