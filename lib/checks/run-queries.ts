import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { assets, assetVersions, checkRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Tier } from "@/lib/presets";
import { assetTier } from "@/lib/assets/tier";

/** The tier of the asset a check run is for (which checks it runs). */
export async function checkRunTier(db: Db, checkRunId: string): Promise<Tier> {
  const [row] = await db
    .select({ tier: assets.tier })
    .from(checkRuns)
    .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(eq(checkRuns.id, checkRunId))
    .limit(1);
  if (!row) throw new AppError("not_found", `Check run ${checkRunId} does not exist.`);
  return assetTier(row);
}
