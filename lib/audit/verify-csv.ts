import Papa from "papaparse";
import { neutraliseCell } from "@/lib/csv/safe-csv";
import { AUDIT_CSV_HEADER } from "./export";
import { canonicalJson, GENESIS_HASH, hashAuditEvent, type HashedFields } from "./hash";

export type CsvVerifyReport =
  | {
      ok: true;
      rows: number;
      /** The file is a whole chain: an unfiltered export, every link from the first entry checked. */
      complete: boolean;
      /** Links checked between neighbouring rows (a filtered export has gaps between entries). */
      linksChecked: number;
      /** Compare with a copy kept outside the database: the chain up to here is what was written. */
      headHash: string | null;
    }
  | { ok: false; row: number; seq: string; reason: string };

type Column = (typeof AUDIT_CSV_HEADER)[number];

/** The readable cells, and the hashed field each must show (as the exporter writes it). */
const SHOWN: [Column, (f: HashedFields) => string | null][] = [
  ["occurred_at", (f) => f.occurredAt.toISOString()],
  ["actor_id", (f) => f.actorId],
  ["actor_email", (f) => f.actorEmail],
  ["action", (f) => f.action],
  ["subject_type", (f) => f.subjectType],
  ["subject_id", (f) => f.subjectId],
  ["ip", (f) => f.ip],
  ["data", (f) => canonicalJson(f.data)],
  ["prev_hash", (f) => f.prevHash],
];

/**
 * Verifies an audit CSV export from the file alone: each row's hashed fields (the base64 column)
 * must hash to its hash, its readable cells must be those fields (formula-neutralised as the
 * exporter wrote them), and each row must link to the row before it. Names the first row that
 * fails. An unfiltered export (its last row is its own unfiltered audit.exported entry) must be
 * the whole chain from the first entry; a filtered one is linked only where entries are adjacent.
 */
export function verifyAuditCsv(text: string): CsvVerifyReport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  const col = Object.fromEntries(AUDIT_CSV_HEADER.map((name) => [name, header?.indexOf(name) ?? -1])) as Record<
    Column,
    number
  >;
  const missing = AUDIT_CSV_HEADER.filter((name) => col[name] < 0);
  if (missing.length > 0)
    return {
      ok: false,
      row: 0,
      seq: "",
      reason: `this is not a Kiln audit export: the header lacks ${missing.join(", ")}`,
    };

  const decoded: HashedFields[] = [];
  for (const [i, row] of rows.entries()) {
    const cell = (name: Column) => row[col[name]] ?? "";
    const fail = (reason: string): CsvVerifyReport => ({ ok: false, row: i + 1, seq: cell("seq"), reason });
    const fields = decodeHashedFields(cell("hashed_fields_base64"));
    if (!fields) return fail("its hashed_fields_base64 cell is not the base64 of an audit entry");
    if (hashAuditEvent(fields) !== cell("hash"))
      return fail("its hash cell does not match its hashed fields (the entry or its hash was changed)");
    for (const [name, shown] of SHOWN) {
      if (String(neutraliseCell(shown(fields))) !== cell(name))
        return fail(`its ${name} cell does not match what was hashed`);
    }
    decoded.push(fields);
  }

  const last = decoded.at(-1);
  const complete =
    last?.action === "audit.exported" && Object.keys((last.data.filters as object | undefined) ?? {}).length === 0;
  let linksChecked = 0;
  for (const [i, fields] of decoded.entries()) {
    const seq = rows[i]![col.seq] ?? "";
    const prevRow = i > 0 ? rows[i - 1]! : null;
    const adjacent = prevRow !== null && Number(seq) === Number(prevRow[col.seq]) + 1;
    const expected =
      i === 0 ? (complete || seq === "1" ? GENESIS_HASH : null) : complete || adjacent ? prevRow![col.hash] : null;
    if (expected === null) continue;
    if (fields.prevHash !== expected) {
      const reason =
        i === 0
          ? "it does not start the chain (an earlier entry is missing)"
          : "its prev_hash is not the hash of the row before it (a row was removed, added or changed)";
      return { ok: false, row: i + 1, seq, reason };
    }
    linksChecked += 1;
  }
  return { ok: true, rows: rows.length, complete, linksChecked, headHash: rows.at(-1)?.[col.hash] ?? null };
}

function decodeHashedFields(base64: string): HashedFields | null {
  try {
    const payload = Buffer.from(base64, "base64").toString("utf8");
    if (Buffer.from(payload, "utf8").toString("base64") !== base64) return null;
    const value: unknown = JSON.parse(payload);
    if (!Array.isArray(value) || value.length !== 9) return null;
    const [prevHash, occurredAt, actorId, actorEmail, action, subjectType, subjectId, data, ip] = value as unknown[];
    const text = (v: unknown) => typeof v === "string";
    const nullableText = (v: unknown) => v === null || text(v);
    if (
      !text(prevHash) ||
      !text(occurredAt) ||
      !text(action) ||
      ![actorId, actorEmail, subjectType, subjectId, ip].every(nullableText)
    )
      return null;
    if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
    const when = new Date(occurredAt as string);
    if (Number.isNaN(when.getTime()) || when.toISOString() !== occurredAt) return null;
    return {
      prevHash: prevHash as string,
      occurredAt: when,
      actorId: actorId as string | null,
      actorEmail: actorEmail as string | null,
      action: action as string,
      subjectType: subjectType as string | null,
      subjectId: subjectId as string | null,
      data: data as Record<string, unknown>,
      ip: ip as string | null,
    };
  } catch {
    return null;
  }
}
