-- Fragment search in the library (decision 0015): a trigram index over what names an asset.
-- pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it; PGlite
-- loads its code at open (db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "asset_search" ADD COLUMN "identity" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Existing rows get the same text lib/library/refresh.ts writes (title, carried CSV values, batch
-- name, upload filename), before the index is built so it is built once.
UPDATE "asset_search" s SET "identity" = concat_ws(' ',
  s."title",
  (SELECT string_agg(e.value, ' ') FROM jsonb_each_text(coalesce(g."carried_columns", '{}'::jsonb) || a."metadata") e),
  b."name",
  up."filename")
FROM "assets" a
LEFT JOIN "generations" g ON g."id" = a."generation_id"
LEFT JOIN "batches" b ON b."id" = a."batch_id"
LEFT JOIN "uploads" up ON up."id" = a."upload_id"
WHERE a."id" = s."asset_id";--> statement-breakpoint
CREATE INDEX "asset_search_identity_trgm_idx" ON "asset_search" USING gin ("identity" gin_trgm_ops) WITH (fastupdate=false);
