import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { batches, type SkippedRow } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { toCsv } from "@/lib/csv/safe-csv";
import { batchesVisibleTo } from "./batch-views";

/**
 * The error CSV of a batch's skipped rows: the file's own columns (as far as they were kept), then
 * the row's line in the uploaded file and the reasons. Cells go through lib/csv/safe-csv (papaparse,
 * formula-neutralised); a column named "line" or "reason" in the file gets a distinct header here.
 */
export function skippedRowsCsv(rows: readonly SkippedRow[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const [header] of row.cells ?? [])
      if (!seen.has(header)) {
        seen.add(header);
        columns.push(header);
      }
  const unique = (name: string) => {
    let candidate = name;
    for (let i = 2; seen.has(candidate); i++) candidate = `${name}_${i}`;
    return candidate;
  };
  const header = [...columns, unique("line"), unique("reason")];
  const body = [...rows]
    .sort((a, b) => a.line - b.line)
    .map((row) => {
      const cells = new Map(row.cells ?? []);
      return [...columns.map((c) => cells.get(c) ?? ""), row.line, row.reasons.join(" ")];
    });
  return toCsv(header, body, { bom: true });
}

/** A batch's error CSV, under the job page's visibility (own batches; admins all). not_found otherwise. */
export async function skippedRowsCsvFor({
  ctx,
  batchId,
}: {
  ctx: Ctx;
  batchId: string;
}): Promise<{ filename: string; csv: string }> {
  if (!z.string().uuid().safeParse(batchId).success) throw new AppError("not_found", "That batch does not exist.");
  const [batch] = await ctx.db
    .select({ id: batches.id, rows: batches.skippedRows })
    .from(batches)
    .where(and(eq(batches.id, batchId), batchesVisibleTo(ctx)))
    .limit(1);
  if (!batch) throw new AppError("not_found", "That batch does not exist or is not yours.");
  return { filename: `skipped-rows-${batch.id.slice(0, 8)}.csv`, csv: skippedRowsCsv(batch.rows) };
}
