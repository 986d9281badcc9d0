/**
 * bench:audit — how many audited writes per second the hash chain allows, and what incremental
 * verification saves over the full walk.
 *
 * Writes: recordAudit (lib/audit/record.ts: a transaction, the global advisory lock, a read of the
 * head, the hash, the insert) with 1, 4 and 16 concurrent writers for a fixed time each, on
 * PostgreSQL (a scratch database kiln_bench_audit_<pid> on DATABASE_URL, dropped at the end) and on
 * in-memory PGlite. The floor, in the same run and on the same database: the same rows, hashed the
 * same way, each inserted in its own transaction into a plain copy of the table — no lock, no head
 * read, no chain. ratio_to_plain = audit writes/s ÷ plain writes/s at the same concurrency.
 *
 * Verification (PostgreSQL): a valid chain of --events entries (100,000 by default), the full walk
 * (npm run audit:verify, the old page load) against the incremental one the page does now: the
 * newest signed checkpoint checked against its file, then the 100 entries written since.
 *
 * The app's pool is 10 connections (db/client.ts), so 16 PostgreSQL writers share 10 connections,
 * as they would in one web process.
 *
 * Usage: tsx bench/audit.ts [--seconds 3] [--events 100000]   (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { seconds: { type: "string" }, events: { type: "string" } },
  strict: true,
});
const SECONDS = Number(args.seconds ?? 3);
const EVENTS = Number(args.events ?? 100_000);
const CONCURRENCY = [1, 4, 16];

// Secrets (the installation key's sealing key) and blobs go to a throw-away folder, not the app's.
const scratch = mkdtempSync(path.join(tmpdir(), "kiln-bench-audit-"));
process.env.KILN_DATA_DIR = scratch;
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
delete process.env.DATABASE_URL;

const { default: postgres } = await import("postgres");
const { sql } = await import("drizzle-orm");
const { openDatabase } = await import("../db/client");
const { auditEvents } = await import("../db/schema");
const { recordAudit } = await import("../lib/audit/record");
const { GENESIS_HASH, hashAuditEvent } = await import("../lib/audit/hash");
const { verifyAuditChain } = await import("../lib/audit/verify");
const { verifyAuditIncremental, writeAuditCheckpoint } = await import("../lib/audit/checkpoints");
const { LocalBlobStore } = await import("../lib/storage/local-driver");
type Database = import("../db").Database;
type Db = import("../db").Db;

const scratchDb = `kiln_bench_audit_${process.pid}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
let dropped = false;
async function dropScratch() {
  if (dropped) return;
  dropped = true;
  await admin.unsafe(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`).catch(() => {});
  await admin.end({ timeout: 5 });
  rmSync(scratch, { recursive: true, force: true });
}
process.on("SIGINT", () => void dropScratch().then(() => process.exit(130)));

function fields(i: number, writer: number) {
  return {
    occurredAt: new Date(),
    actorId: null,
    actorEmail: "bench@example.test",
    action: "user.created" as const,
    subjectType: "user",
    subjectId: String(i),
    data: { writer, i, note: "a typical audited change" },
    ip: "192.0.2.1",
  };
}

/** Writers loop until the deadline; returns completed writes per second. */
async function measure(concurrency: number, write: (writer: number, i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, writer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await write(writer, i);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function plainTable(db: Db) {
  // LIKE copies columns and defaults (the seq sequence too), not the append-only trigger.
  await db.execute(sql.raw(`create table bench_plain_audit (like audit_events including defaults)`));
}

async function plainWrite(db: Db, writer: number, i: number) {
  const f = fields(i, writer);
  const hash = hashAuditEvent({ ...f, prevHash: GENESIS_HASH });
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into bench_plain_audit (occurred_at, actor_id, actor_email, action, subject_type, subject_id, data, ip, prev_hash, hash)
      values (${f.occurredAt.toISOString()}, null, ${f.actorEmail}, ${f.action}, ${f.subjectType}, ${f.subjectId}, ${JSON.stringify(f.data)}::jsonb, ${f.ip}, ${GENESIS_HASH}, ${hash}) returning seq`);
  });
}

type Row = { backend: string; writers: number; audit: number; plain: number };

async function writes(backend: string, database: Database): Promise<Row[]> {
  const { db } = database;
  await plainTable(db);
  const rows: Row[] = [];
  for (const writers of CONCURRENCY) {
    // Alternate so neither side always runs on a warmer or fuller table.
    const plain = await measure(writers, (w, i) => plainWrite(db, w, i));
    const audit = await measure(writers, (w, i) =>
      recordAudit({
        db,
        input: {
          actor: { id: null, email: "bench@example.test" },
          action: "user.created",
          subject: { type: "user", id: String(i) },
          data: { writer: w, i, note: "a typical audited change" },
          ip: "192.0.2.1",
        },
      }),
    );
    rows.push({ backend, writers, audit, plain });
    console.log(`  ${backend} ${writers} writer(s): audit ${audit.toFixed(0)}/s, plain ${plain.toFixed(0)}/s`);
  }
  const report = await verifyAuditChain({ db });
  if (!report.ok) throw new Error(`the chain broke under concurrent writers at #${report.brokenAt}`);
  return rows;
}

/** Appends `n` valid entries after the current head in multi-row inserts (the chain computed here). */
async function appendChain(db: Db, n: number) {
  const [head] = await db
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(sql`seq desc`)
    .limit(1);
  let prevHash = head?.hash ?? GENESIS_HASH;
  const base = Date.now() - n;
  for (let start = 0; start < n; start += 1000) {
    const values = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const f = { ...fields(i, 0), occurredAt: new Date(base + i), prevHash };
      const hash = hashAuditEvent(f);
      values.push({ ...f, hash });
      prevHash = hash;
    }
    await db.insert(auditEvents).values(values);
  }
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

async function verification(database: Database) {
  const { db } = database;
  const store = new LocalBlobStore(path.join(scratch, "blobs"));
  const existing = Number(
    ((await db.execute(sql`select count(*)::int as n from audit_events`)) as unknown as Array<{ n: number }>)[0]!.n,
  );
  const { ms: fillMs } = await timeIt(() => appendChain(db, Math.max(0, EVENTS - existing)));
  console.log(`  filled the chain to ${EVENTS.toLocaleString("en-US")} entries in ${(fillMs / 1000).toFixed(1)} s`);
  const first = await writeAuditCheckpoint({ db, store });
  if (!first.written) throw new Error("no checkpoint written");
  await appendChain(db, 100);
  const full = await timeIt(() => verifyAuditChain({ db }));
  const incremental = await timeIt(() => verifyAuditIncremental({ db, store }));
  if (!full.result.ok || !incremental.result.ok) throw new Error("verification failed on a valid chain");
  return {
    entries: full.result.checked,
    fullMs: full.ms,
    incrementalMs: incremental.ms,
    newChecked: incremental.result.newChecked,
  };
}

const startedAt = performance.now();
const rows: Row[] = [];
let verify: Awaited<ReturnType<typeof verification>>;
try {
  await admin.unsafe(`CREATE DATABASE ${scratchDb}`);
  const url = new URL(serverUrl);
  url.pathname = `/${scratchDb}`;
  const pg = await openDatabase({ url: url.toString() });
  await pg.migrate();
  console.log(`PostgreSQL (${scratchDb}), ${SECONDS} s per measurement`);
  rows.push(...(await writes("pg", pg)));
  console.log(`PostgreSQL: verification on ${EVENTS.toLocaleString("en-US")} entries`);
  verify = await verification(pg);
  await pg.close();

  const lite = await openDatabase({ memory: true });
  await lite.migrate();
  console.log(`PGlite (in memory), ${SECONDS} s per measurement`);
  rows.push(...(await writes("pglite", lite)));
  await lite.close();
} finally {
  await dropScratch();
}

console.log("");
console.log("backend  writers  audit writes/s  plain inserts/s  ratio");
for (const r of rows) {
  console.log(
    `${r.backend.padEnd(8)} ${String(r.writers).padStart(7)}  ${r.audit.toFixed(0).padStart(14)}  ${r.plain.toFixed(0).padStart(15)}  ${(r.audit / r.plain).toFixed(2).padStart(5)}`,
  );
}
console.log("");
console.log(
  `verification on ${verify!.entries.toLocaleString("en-US")} entries (PostgreSQL): full walk ${verify!.fullMs.toFixed(0)} ms; incremental (signed checkpoint + ${verify!.newChecked} new entries) ${verify!.incrementalMs.toFixed(1)} ms`,
);
console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);

const kv: string[] = [];
const at = (backend: string, writers: number) => rows.find((r) => r.backend === backend && r.writers === writers)!;
for (const backend of ["pg", "pglite"]) {
  // The headline figure: the contended case, 16 writers.
  kv.push(
    `audit_writes_per_s_${backend}=${at(backend, 16).audit.toFixed(0)}`,
    `ratio_to_plain_${backend}=${(at(backend, 16).audit / at(backend, 16).plain).toFixed(2)}`,
  );
  for (const w of CONCURRENCY)
    kv.push(
      `audit_writes_per_s_${backend}_c${w}=${at(backend, w).audit.toFixed(0)}`,
      `plain_writes_per_s_${backend}_c${w}=${at(backend, w).plain.toFixed(0)}`,
    );
}
kv.push(
  `verify_full_ms_100k=${verify!.fullMs.toFixed(0)}`,
  `verify_incremental_ms=${verify!.incrementalMs.toFixed(1)}`,
  `verify_speedup=${(verify!.fullMs / verify!.incrementalMs).toFixed(0)}`,
);
console.log(kv.join(" "));
