import { and, eq, or, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { batches } from "@/db/schema";
import { together } from "@/db/together";

/**
 * Marks a batch running while work remains, and completed when no generation is left to run.
 * Runs in every generation's final transaction. The batch row is locked first: two generations
 * finishing at once on Postgres would otherwise each see the other still running (neither
 * commit visible to the other's snapshot) and leave a finished batch "running". After the lock,
 * the NOT EXISTS is a new statement and sees the other's commit; it stops at the first open
 * generation instead of counting them all. NO KEY UPDATE, not UPDATE: the transaction's own
 * inserts (ledger, asset) hold KEY SHARE on the batch through their foreign keys, and an UPDATE
 * lock would deadlock against another finishing generation waiting on the audit lock.
 *
 * Both statements start at once and travel together (db/together.ts): the update still runs after
 * the lock, with a snapshot taken then. Call it with the transaction's earlier statements started.
 */
export function settleBatch(tx: Tx, batchId: string): Promise<void> {
  // One update (one statement less while the database is held): queued or running with nothing
  // left to run → completed; queued with work left → running; running with work left stays as it is.
  const noneLeft = sql`NOT EXISTS (SELECT 1 FROM generations g WHERE g.batch_id = ${batchId} AND g.status IN ('queued', 'running'))`;
  return together(
    tx.select({ id: batches.id }).from(batches).where(eq(batches.id, batchId)).for("no key update").execute(),
    tx
      .update(batches)
      .set({
        status: sql`(CASE WHEN ${noneLeft} THEN 'completed' ELSE 'running' END)::batch_status`,
        finishedAt: sql`CASE WHEN ${noneLeft} THEN ${new Date().toISOString()}::timestamptz ELSE ${batches.finishedAt} END`,
      })
      .where(
        and(eq(batches.id, batchId), or(eq(batches.status, "queued"), and(eq(batches.status, "running"), noneLeft))),
      )
      .execute(),
  ).then(() => undefined);
}
