import { eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { alias } from "drizzle-orm/pg-core";
import { assets, assetVersions, checkRuns, presets, presetVersions, type CheckRun } from "@/db/schema";
import type { CheckThresholds } from "@/db/schema/preset-versions";
import type { Tier } from "@/db/schema/presets";
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
  return insertCheckRun(tx, { assetVersionId, trigger, requestedBy, thresholds: thresholdsInForce(row) });
}

/**
 * The overrides of the active version of the preset that made version `madeBy` (null when it has
 * none): what startCheckRun reads through the asset, for a caller that knows the preset version
 * before the asset exists and sends this read with the asset's insert (db/together.ts).
 */
export async function activePresetOverrides(tx: DbExecutor, madeBy: string): Promise<CheckThresholds | null> {
  const made = alias(presetVersions, "made_by");
  const [row] = await tx
    .select({ overrides: presetVersions.checkThresholds })
    .from(made)
    .innerJoin(presets, eq(presets.id, made.presetId))
    .leftJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .where(eq(made.id, madeBy))
    .limit(1)
    .execute();
  return row?.overrides ?? null;
}

/** The thresholds a run snapshots: the tier's checks' defaults under the preset's overrides. */
export function thresholdsInForce({ tier, overrides }: { tier: Tier | null; overrides: CheckThresholds | null }) {
  const effective = assetTier({ tier });
  return effectiveThresholds(checksForTier(effective), effective, overrides ?? {});
}

/** The run's row, with thresholds already worked out; started at the call (db/together.ts). */
export async function insertCheckRun(
  tx: DbExecutor,
  input: {
    assetVersionId: string;
    trigger: CheckTrigger;
    thresholds: CheckRun["thresholds"];
    requestedBy?: string | null;
  },
): Promise<CheckRun> {
  const [run] = await tx
    .insert(checkRuns)
    .values({ ...input, requestedBy: input.requestedBy ?? null })
    .returning()
    .execute();
  return run!;
}
