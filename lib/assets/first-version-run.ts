import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Tx } from "@/db";
import { assets, assetVersions, checkRuns } from "@/db/schema";

/**
 * The asset matching `where`, its version 1 and that version's newest check run: what an idempotent
 * asset creation (from a generation or an upload) hands back when an earlier call already made it.
 */
export async function firstVersionAndRun(
  tx: Tx,
  where: SQL,
): Promise<{ assetId: string; assetVersionId: string; checkRunId: string }> {
  const [existing] = await tx
    .select({ assetId: assets.id, assetVersionId: assetVersions.id, checkRunId: checkRuns.id })
    .from(assets)
    .innerJoin(assetVersions, and(eq(assetVersions.assetId, assets.id), eq(assetVersions.number, 1)))
    .innerJoin(checkRuns, eq(checkRuns.assetVersionId, assetVersions.id))
    .where(where)
    .orderBy(desc(checkRuns.createdAt))
    .limit(1);
  return existing!;
}
