import { inArray } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches, type SkippedRow } from "@/db/schema";

export type { SkippedRow } from "@/db/schema";
/** A skipped row as callers give it: the file's cells by header, in column order. */
export type SkippedRowInput = { line: number; reasons: string[]; values?: Record<string, string> };

/** The most skipped rows kept with a batch; a file with more bad rows keeps the count and the first ones. */
export const MAX_SKIPPED_KEPT = 1000;

/** Caps on the file cells kept with each skipped row (for the error CSV). */
export const SKIPPED_VALUE_LIMITS = { columns: 60, header: 200, value: 1000 } as const;

function keptCells(values: Record<string, string> | undefined): { cells?: [string, string][] } {
  if (!values) return {};
  const cells = Object.entries(values)
    .slice(0, SKIPPED_VALUE_LIMITS.columns)
    .map(([h, v]): [string, string] => [
      h.slice(0, SKIPPED_VALUE_LIMITS.header),
      String(v).slice(0, SKIPPED_VALUE_LIMITS.value),
    ]);
  return { cells };
}

/** What a batch keeps of its skipped rows: the first ones (by line), each reason and cell capped, and the true count. */
export function keptSkippedRows(rows: SkippedRowInput[]): { rows: SkippedRow[]; count: number } {
  return {
    rows: [...rows]
      .sort((a, b) => a.line - b.line)
      .slice(0, MAX_SKIPPED_KEPT)
      .map((r) => ({
        line: r.line,
        reasons: r.reasons.slice(0, 10).map((m) => m.slice(0, 300)),
        ...keptCells(r.values),
      })),
    count: rows.length,
  };
}

/** The skipped rows of each batch (batches without any are absent from the map). */
export async function skippedRowsOf(
  db: DbExecutor,
  batchIds: string[],
): Promise<Map<string, { rows: SkippedRow[]; count: number }>> {
  if (batchIds.length === 0) return new Map();
  const found = await db
    .select({ id: batches.id, rows: batches.skippedRows, count: batches.skippedCount })
    .from(batches)
    .where(inArray(batches.id, batchIds));
  return new Map(found.filter((b) => b.count > 0).map((b) => [b.id, { rows: b.rows, count: b.count }]));
}
