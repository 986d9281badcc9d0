import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { batches, generations } from "@/db/schema";

/** Marks a batch running while work remains, and completed when no generation is left to run. */
export async function settleBatch(db: DbExecutor, batchId: string): Promise<void> {
  const [row] = await db
    .select({ open: sql<number>`count(*)::int` })
    .from(generations)
    .where(and(eq(generations.batchId, batchId), inArray(generations.status, ["queued", "running"])));
  const open = row?.open ?? 0;
  if (open === 0) {
    await db
      .update(batches)
      .set({ status: "completed", finishedAt: new Date() })
      .where(and(eq(batches.id, batchId), inArray(batches.status, ["queued", "running"])));
  } else {
    await db
      .update(batches)
      .set({ status: "running" })
      .where(and(eq(batches.id, batchId), eq(batches.status, "queued")));
  }
}
