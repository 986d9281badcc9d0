import { and, asc, eq, gt, like, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { auditEvents, type AuditEvent } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { csvLines, toCsv, type CsvCell } from "@/lib/csv/safe-csv";
import { AppError, parseInput } from "@/lib/errors";
import { latestAuditCheckpoint } from "./checkpoints";
import { canonicalJson, hashedPayload } from "./hash";
import { recordAudit } from "./record";

export const AUDIT_CSV_HEADER = [
  "seq",
  "occurred_at",
  "actor_id",
  "actor_email",
  "action",
  "subject_type",
  "subject_id",
  "ip",
  "data",
  "prev_hash",
  "hash",
  "hashed_fields_base64",
] as const;

/** Rows read per query: memory stays bounded however long the log is. */
export const AUDIT_EXPORT_PAGE = 1000;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** The filters the audit page offers (see list.ts); paging ("before") is not a filter and is ignored. */
const exportInput = z.object({
  action: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
  actorEmail: z.preprocess(blankToUndefined, z.string().trim().max(254).optional()),
});

export type AuditExport = {
  /** kiln-audit-YYYY-MM-DD.csv (UTC). */
  filename: string;
  /** The last entry the file can contain: the export's own audit entry. Later entries are left out. */
  throughSeq: number;
  /**
   * The newest signed checkpoint when the export was made (seq and hash): the route sends it as the
   * X-Kiln-Audit-Checkpoint header, so an auditor can hold the file's row at that seq against the
   * published, signed audit-checkpoints/<seq>.json.
   */
  checkpoint: { seq: number; hash: string } | null;
  /** The file in pieces: BOM and header, then one piece per page of rows, oldest first. */
  chunks: AsyncIterable<string>;
};

/**
 * The audit log as CSV for a spreadsheet, oldest first. Everything that can refuse (permission,
 * input) happens before this resolves, so a route can still answer with an error status; the rows
 * are then read lazily, a page at a time, as the consumer pulls chunks.
 *
 * The export is itself audited first, and the file ends at that entry, so an unfiltered export is a
 * complete chain from the first entry to the record of its own making.
 */
export async function exportAuditCsv({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AuditExport> {
  if (!can(ctx.actor.role, "audit.view")) throw new AppError("forbidden", "Only admins can export the audit log.");
  const filters = parseInput(exportInput, input ?? {});
  const { seq: throughSeq } = await recordAudit({
    db: ctx.db,
    input: { actor: ctx.actor, action: "audit.exported", data: { format: "csv", filters }, ip: ctx.ip },
  });
  const where: SQL[] = [];
  if (filters.action) where.push(like(auditEvents.action, `${filters.action}%`));
  if (filters.actorEmail) where.push(eq(auditEvents.actorEmail, filters.actorEmail.toLowerCase()));
  const checkpoint = await latestAuditCheckpoint({ db: ctx.db });
  return {
    checkpoint: checkpoint ? { seq: checkpoint.seq, hash: checkpoint.hash } : null,
    filename: `kiln-audit-${new Date().toISOString().slice(0, 10)}.csv`,
    throughSeq,
    chunks: auditCsvChunks(ctx.db, where, throughSeq),
  };
}

async function* auditCsvChunks(db: DbExecutor, filters: SQL[], throughSeq: number): AsyncGenerator<string> {
  yield toCsv(AUDIT_CSV_HEADER, [], { bom: true });
  let afterSeq = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(gt(auditEvents.seq, afterSeq), lte(auditEvents.seq, throughSeq), ...filters))
      .orderBy(asc(auditEvents.seq))
      .limit(AUDIT_EXPORT_PAGE);
    if (rows.length > 0) yield csvLines(rows.map(auditCsvRow));
    if (rows.length < AUDIT_EXPORT_PAGE) return;
    afterSeq = rows.at(-1)!.seq;
  }
}

/**
 * One entry as CSV cells; data is the canonical (sorted, compact) JSON the hash was computed over.
 * The readable cells are formula-neutralised (a leading quote), which changes them; the last cell
 * carries the exact hashed text, base64-encoded: it always starts with "W" (from "[") so no
 * spreadsheet runs it, and `npm run audit:verify -- --file` recomputes the chain from it.
 */
export function auditCsvRow(e: AuditEvent): CsvCell[] {
  const payload = hashedPayload({ ...e, data: e.data ?? {} });
  return [
    e.seq,
    e.occurredAt,
    e.actorId,
    e.actorEmail,
    e.action,
    e.subjectType,
    e.subjectId,
    e.ip,
    canonicalJson(e.data ?? {}),
    e.prevHash,
    e.hash,
    Buffer.from(payload, "utf8").toString("base64"),
  ];
}
