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

/**
 * Where a requested generation stands against the endpoint it was requested for: its work was
 * moved to another endpoint's preset (this request must do nothing), the endpoint is paused
 * (wait), or it can run.
 */
export async function endpointState(db: DbExecutor, generationId: string, providerId?: string): Promise<"moved" | "paused" | "ready"> {
  const [row] = await db
    .select({ providerId: presetVersions.providerId, paused: providers.paused })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .where(eq(generations.id, generationId))
    .limit(1);
  if (!row) return "ready"; // runGeneration reports the missing generation clearly
  if (providerId && row.providerId !== providerId) return "moved";
  return row.paused ? "paused" : "ready";
}
