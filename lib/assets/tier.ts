import type { Tier } from "@/db/schema/presets";

/**
 * Uploaded assets have no tier (no preset made them). For the checks an edit runs and for review
 * they count as "support": safety and quality checks, one approval.
 */
export const UPLOADED_ASSET_TIER: Tier = "support";

export function assetTier(asset: { tier: Tier | null }): Tier {
  return asset.tier ?? UPLOADED_ASSET_TIER;
}
