import { eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { alias } from "drizzle-orm/pg-core";
import { assets, assetVersions, checkRuns, presets, presetVersions, type CheckRun } from "@/db/schema";
import { assetTier } from "@/lib/assets/tier";
import { AppError } from "@/lib/errors";
import { checksForTier } from "./registry";
import { effectiveThresholds } from "./thresholds";

export type CheckTrigger = "generated" | "uploaded" | "edited" | "recheck";

/**
 * Opens a check run for an asset version with the thresholds in force now (the overrides of its
 * preset's active version over the tier defaults, so a re-check after a threshold change applies
 * the new ones), snapshotted so the run is explained later exactly as decided.
 * Runs inside the caller's transaction; the caller sends kiln/check.requested after commit.
 */
export async function startCheckRun(
  tx: DbExecutor,
  {
    assetVersionId,
    trigger,
    requestedBy = null,
  }: { assetVersionId: string; trigger: CheckTrigger; requestedBy?: string | null },
): Promise<CheckRun> {
  const made = alias(presetVersions, "made_by");
  const [row] = await tx
    .select({ tier: assets.tier, overrides: presetVersions.checkThresholds })
    .from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    // Uploaded assets have no preset: the tier defaults apply.
    .leftJoin(made, eq(made.id, assets.presetVersionId))
    .leftJoin(presets, eq(presets.id, made.presetId))
    .leftJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .where(eq(assetVersions.id, assetVersionId))
    .limit(1);
  if (!row) throw new AppError("not_found", "That asset version does not exist.");
  const thresholds = effectiveThresholds(checksForTier(assetTier(row)), assetTier(row), row.overrides ?? {});
  const [run] = await tx.insert(checkRuns).values({ assetVersionId, trigger, thresholds, requestedBy }).returning();
  return run!;
}
