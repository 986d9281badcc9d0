import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches } from "@/db/schema";

/**
 * Marks a batch running while work remains, and completed when no generation is left to run.
 * Runs in every generation's final transaction, so it is two indexed single-row updates: the
 * NOT EXISTS stops at the first open generation instead of counting them all.
 */
export async function settleBatch(db: DbExecutor, batchId: string): Promise<void> {
  const completed = await db
    .update(batches)
    .set({ status: "completed", finishedAt: new Date() })
    .where(
      and(
        eq(batches.id, batchId),
        inArray(batches.status, ["queued", "running"]),
        sql`NOT EXISTS (SELECT 1 FROM generations g WHERE g.batch_id = ${batchId} AND g.status IN ('queued', 'running'))`,
      ),
    )
    .returning({ id: batches.id });
  if (completed.length) return;
  await db
    .update(batches)
    .set({ status: "running" })
    .where(and(eq(batches.id, batchId), eq(batches.status, "queued")));
}
