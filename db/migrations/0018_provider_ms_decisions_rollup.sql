-- Costs on the embedded database (issue 20, decision 0026 "Follow-up: 0018").
--
-- 1. The provider's own time per image as a column: the Operations tab's latency percentiles read an
--    integer from a small index instead of parsing every finished generation's JSON metadata.
ALTER TABLE "generations" ADD COLUMN "provider_ms" integer;
--> statement-breakpoint
UPDATE "generations" SET "provider_ms" = round(("metadata"->'timings'->>'providerMs')::numeric)::integer
WHERE "metadata"->'timings'->>'providerMs' IS NOT NULL;
--> statement-breakpoint
-- Succeeded generations with a provider time, by when they finished, carrying what the latency query
-- reads (the preset version gives the GPU endpoint): an index range, no JSON, no other rows.
CREATE INDEX "generations_provider_latency_idx" ON "generations" ("finished_at") INCLUDE ("preset_version_id", "provider_ms")
WHERE "status" = 'succeeded' AND "provider_ms" IS NOT NULL;
--> statement-breakpoint
-- 2. Review decisions per UTC day × lineage key (batch × preset version), the asset side of the
--    Costs report as cost_ledger_daily (0017) is its spend side: approved counts an asset on the UTC
--    day of its approved_at, rejected on the day of its rejected_at (an asset can count in both, as
--    in the report). Generated assets only (uploads are not bought through the pipeline, base.ts).
--    A count can go back to 0 (undo) and the row stays; readers skip all-zero groups.
CREATE TABLE "asset_decisions_daily" (
	"day" date NOT NULL,
	"batch_id" uuid,
	"preset_version_id" uuid,
	"approved" bigint DEFAULT 0 NOT NULL,
	"rejected" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "asset_decisions_daily_key" UNIQUE NULLS NOT DISTINCT("day","batch_id","preset_version_id")
);
--> statement-breakpoint
-- Assets change (decisions, undo, a new version clears both dates), so a statement's effect is its
-- new rows' contributions minus its old rows'. kiln_asset_decisions_daily_add sums the changes per
-- key, drops all-zero deltas (an update that moves no decision date takes no rollup lock) and upserts
-- in key order, so concurrent statements lock rollup rows in the same order. It runs in the changing
-- transaction: a rolled-back decision rolls its counts back too.
CREATE TYPE "kiln_decision_change" AS (approved_at timestamptz, rejected_at timestamptz, batch_id uuid, preset_version_id uuid, sign integer);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kiln_asset_decisions_daily_add(changes kiln_decision_change[]) RETURNS void AS $$
  INSERT INTO asset_decisions_daily AS d (day, batch_id, preset_version_id, approved, rejected)
  SELECT x.day, x.batch_id, x.preset_version_id, sum(x.approved), sum(x.rejected)
  FROM (
    SELECT (c.approved_at AT TIME ZONE 'UTC')::date AS day, c.batch_id, c.preset_version_id, c.sign AS approved, 0 AS rejected
    FROM unnest(changes) c WHERE c.approved_at IS NOT NULL
    UNION ALL
    SELECT (c.rejected_at AT TIME ZONE 'UTC')::date, c.batch_id, c.preset_version_id, 0, c.sign
    FROM unnest(changes) c WHERE c.rejected_at IS NOT NULL
  ) x
  GROUP BY 1, 2, 3
  HAVING sum(x.approved) <> 0 OR sum(x.rejected) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT asset_decisions_daily_key DO UPDATE SET
    approved = d.approved + excluded.approved,
    rejected = d.rejected + excluded.rejected;
$$ LANGUAGE sql;
--> statement-breakpoint
-- One trigger function for the three statement triggers (a trigger with transition tables cannot
-- name columns, so UPDATE fires on every assets update; only rows whose decision dates, source,
-- batch or preset version moved are passed on — usually none).
CREATE OR REPLACE FUNCTION kiln_asset_decisions_daily_apply() RETURNS trigger AS $$
DECLARE
  changes kiln_decision_change[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW(n.approved_at, n.rejected_at, n.batch_id, n.preset_version_id, 1)::kiln_decision_change) INTO changes
    FROM new_rows n
    WHERE n.source = 'generated' AND (n.approved_at IS NOT NULL OR n.rejected_at IS NOT NULL);
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW(o.approved_at, o.rejected_at, o.batch_id, o.preset_version_id, -1)::kiln_decision_change) INTO changes
    FROM old_rows o
    WHERE o.source = 'generated' AND (o.approved_at IS NOT NULL OR o.rejected_at IS NOT NULL);
  ELSE
    SELECT array_agg(c) INTO changes
    FROM old_rows o
    JOIN new_rows n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES
      (o.source, ROW(o.approved_at, o.rejected_at, o.batch_id, o.preset_version_id, -1)::kiln_decision_change),
      (n.source, ROW(n.approved_at, n.rejected_at, n.batch_id, n.preset_version_id, 1)::kiln_decision_change)
    ) v(source, c)
    WHERE v.source = 'generated'
      AND (o.approved_at, o.rejected_at, o.source, o.batch_id, o.preset_version_id)
          IS DISTINCT FROM (n.approved_at, n.rejected_at, n.source, n.batch_id, n.preset_version_id);
  END IF;
  IF changes IS NOT NULL THEN
    PERFORM kiln_asset_decisions_daily_add(changes);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER asset_decisions_daily_insert AFTER INSERT ON assets
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kiln_asset_decisions_daily_apply();
--> statement-breakpoint
CREATE TRIGGER asset_decisions_daily_update AFTER UPDATE ON assets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kiln_asset_decisions_daily_apply();
--> statement-breakpoint
CREATE TRIGGER asset_decisions_daily_delete AFTER DELETE ON assets
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kiln_asset_decisions_daily_apply();
--> statement-breakpoint
-- Rebuilds the rollup from every asset: the backfill below, and for anything that writes assets with
-- triggers off (bench/costs.ts loads a year in replica mode). Blocks asset writes meanwhile.
CREATE OR REPLACE FUNCTION kiln_asset_decisions_daily_rebuild() RETURNS void AS $$
BEGIN
  LOCK TABLE assets IN SHARE MODE;
  DELETE FROM asset_decisions_daily;
  INSERT INTO asset_decisions_daily (day, batch_id, preset_version_id, approved, rejected)
  SELECT x.day, x.batch_id, x.preset_version_id, sum(x.approved), sum(x.rejected)
  FROM (
    SELECT (a.approved_at AT TIME ZONE 'UTC')::date AS day, a.batch_id, a.preset_version_id, 1 AS approved, 0 AS rejected
    FROM assets a WHERE a.source = 'generated' AND a.approved_at IS NOT NULL
    UNION ALL
    SELECT (a.rejected_at AT TIME ZONE 'UTC')::date, a.batch_id, a.preset_version_id, 0, 1
    FROM assets a WHERE a.source = 'generated' AND a.rejected_at IS NOT NULL
  ) x
  GROUP BY 1, 2, 3;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
SELECT kiln_asset_decisions_daily_rebuild();
