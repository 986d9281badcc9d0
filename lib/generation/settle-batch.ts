import { and, eq, or, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches } from "@/db/schema";

/**
 * Marks a batch running while work remains, and completed when no generation is left to run.
 * Runs in every generation's final transaction. The batch row is locked first: two generations
 * finishing at once on Postgres would otherwise each see the other still running (neither
 * commit visible to the other's snapshot) and leave a finished batch "running". After the lock,
 * the NOT EXISTS is a new statement and sees the other's commit; it stops at the first open
 * generation instead of counting them all. NO KEY UPDATE, not UPDATE: the transaction's own
 * inserts (ledger, asset) hold KEY SHARE on the batch through their foreign keys, and an UPDATE
 * lock would deadlock against another finishing generation waiting on the audit lock.
 */
export async function settleBatch(db: DbExecutor, batchId: string): Promise<void> {
  await db.select({ id: batches.id }).from(batches).where(eq(batches.id, batchId)).for("no key update");
  // One statement (one round trip less while the database is held): queued or running with nothing
  // left to run → completed; queued with work left → running; running with work left stays as it is.
  const noneLeft = sql`NOT EXISTS (SELECT 1 FROM generations g WHERE g.batch_id = ${batchId} AND g.status IN ('queued', 'running'))`;
  await db
    .update(batches)
    .set({
      status: sql`(CASE WHEN ${noneLeft} THEN 'completed' ELSE 'running' END)::batch_status`,
      finishedAt: sql`CASE WHEN ${noneLeft} THEN ${new Date().toISOString()}::timestamptz ELSE ${batches.finishedAt} END`,
    })
    .where(
      and(eq(batches.id, batchId), or(eq(batches.status, "queued"), and(eq(batches.status, "running"), noneLeft))),
    );
}
