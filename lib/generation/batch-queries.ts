import { and, asc, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { generationMoves, generations, presetVersions, providers } from "@/db/schema";

/** Queued generations of a batch with the endpoint each will use (the concurrency key). */
export async function listQueuedGenerations(
  db: DbExecutor,
  batchId: string,
): Promise<{ id: string; providerId: string; attempts: number }[]> {
  return db
    .select({ id: generations.id, providerId: presetVersions.providerId, attempts: generations.attempts })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .where(and(eq(generations.batchId, batchId), eq(generations.status, "queued")));
}

/**
 * Where a requested generation stands against the endpoint it was requested for: its work was
 * moved to another endpoint's preset (this request must do nothing), the endpoint is paused
 * (wait), or it can run. Exactly one request owns a generation: a manual move sends a new request
 * for its target, which owns it from then on; an automatic failover sends none, so the request
 * that owned the generation before it keeps it and runs it on the fallback.
 */
export async function endpointState(
  db: DbExecutor,
  generationId: string,
  providerId?: string,
): Promise<"moved" | "paused" | "ready"> {
  const [row] = await db
    .select({ providerId: presetVersions.providerId, paused: providers.paused })
    .from(generations)
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .where(eq(generations.id, generationId))
    .limit(1);
  if (!row) return "ready"; // runGeneration reports the missing generation clearly
  if (
    providerId &&
    row.providerId !== providerId &&
    (await owningProvider(db, generationId, row.providerId)) !== providerId
  )
    return "moved";
  return row.paused ? "paused" : "ready";
}

/** The endpoint whose request runs a moved generation: the last manual move's target, else where it started. */
async function owningProvider(db: DbExecutor, generationId: string, current: string): Promise<string> {
  const moves = await db
    .select()
    .from(generationMoves)
    .where(eq(generationMoves.generationId, generationId))
    .orderBy(asc(generationMoves.movedAt), asc(generationMoves.id));
  const manual = moves.filter((m) => m.cause === "manual").at(-1);
  if (manual) return manual.toProviderId;
  return moves[0]?.fromProviderId ?? current;
}
