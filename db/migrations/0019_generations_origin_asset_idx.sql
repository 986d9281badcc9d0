-- The asset page's pending reruns (lib/assets/asset-detail.ts, rerunLinks) filter generations by the
-- asset they rerun; without an index every open of an asset page scanned all generations (186 ms for
-- 20,000 under load, bench:review's data). Partial: only reruns carry an origin.
CREATE INDEX IF NOT EXISTS "generations_origin_asset_idx" ON "generations" ("origin_asset_id") WHERE "origin_asset_id" IS NOT NULL;
