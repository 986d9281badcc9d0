import { and, eq, inArray } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { auditEvents } from "@/db/schema";

/** A CSV row that was not queued, with why (the CSV line and each problem, as validate-rows words them). */
export type SkippedRow = { line: number; reasons: string[] };

/** The most skipped rows kept with a batch; a file with more bad rows keeps the count and the first ones. */
export const MAX_SKIPPED_KEPT = 1000;

/**
 * The batch.queued audit fields that record skipped rows. The batch row has no column for them and
 * the audit entry is written in the same transaction as the batch, so it is the batch's own record.
 */
export function skippedRowsAudit(rows: SkippedRow[]): { skippedRows: SkippedRow[]; skippedCount: number } {
  return {
    skippedRows: rows.slice(0, MAX_SKIPPED_KEPT).map((r) => ({ line: r.line, reasons: r.reasons.slice(0, 10).map((m) => m.slice(0, 300)) })),
    skippedCount: rows.length,
  };
}

/** The skipped rows of each batch (batches without any are absent from the map). */
export async function skippedRowsOf(db: DbExecutor, batchIds: string[]): Promise<Map<string, { rows: SkippedRow[]; count: number }>> {
  if (batchIds.length === 0) return new Map();
  const entries = await db
    .select({ batchId: auditEvents.subjectId, data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "batch.queued"), eq(auditEvents.subjectType, "batch"), inArray(auditEvents.subjectId, batchIds)));
  const out = new Map<string, { rows: SkippedRow[]; count: number }>();
  for (const e of entries) {
    const rows = Array.isArray(e.data.skippedRows) ? (e.data.skippedRows as SkippedRow[]) : [];
    if (rows.length && e.batchId) out.set(e.batchId, { rows, count: typeof e.data.skippedCount === "number" ? e.data.skippedCount : rows.length });
  }
  return out;
}
