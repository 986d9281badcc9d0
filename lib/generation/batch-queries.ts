import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { generations, presetVersions, providers } from "@/db/schema";

/** Queued generations of a batch with the endpoint each will use (the concurrency key). */
export async function listQueuedGenerations(db: DbExecutor, batchId: string): Promise<{ id: string; providerId: string; attempts: number }[]> {
  return db
    .select({ id: generations.id, providerId: presetVersions.providerId, attempts: generations.attempts })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .where(and(eq(generations.batchId, batchId), eq(generations.status, "queued")));
}

export async function isProviderPaused(db: DbExecutor, providerId: string): Promise<boolean> {
  const [row] = await db.select({ paused: providers.paused }).from(providers).where(eq(providers.id, providerId)).limit(1);
  return row?.paused ?? false;
}
