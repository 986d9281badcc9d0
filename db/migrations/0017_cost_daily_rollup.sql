-- Daily rollup of the cost ledger (decision 0026): the Costs page's spend figures read a few
-- thousand pre-summed rows instead of every ledger row in the range. One row per UTC day × lineage
-- key (batch × effective preset version — every dimension the report filters or groups by is a
-- function of those two, lib/costs/report/base.ts); a null batch is overhead. Kept exact by a trigger
-- on the ledger, which is append-only (0003 refuses UPDATE and DELETE), so inserts are its only change.
CREATE TABLE "cost_ledger_daily" (
	"day" date NOT NULL,
	"batch_id" uuid,
	"preset_version_id" uuid,
	"micros" bigint DEFAULT 0 NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"generation_calls" bigint DEFAULT 0 NOT NULL,
	"retry_calls" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "cost_ledger_daily_key" UNIQUE NULLS NOT DISTINCT("day","batch_id","preset_version_id")
);
--> statement-breakpoint
-- The ledger rows of one statement, summed per rollup key, in key order (concurrent writers take the
-- rollup rows' locks in the same order). The effective preset version of an edit is its asset's,
-- as in the report (an asset's preset version is fixed when it is made, before any edit).
CREATE OR REPLACE FUNCTION kiln_cost_ledger_daily_add() RETURNS trigger AS $$
BEGIN
  INSERT INTO cost_ledger_daily AS d (day, batch_id, preset_version_id, micros, calls, generation_calls, retry_calls)
  SELECT (n.created_at AT TIME ZONE 'UTC')::date,
         n.batch_id,
         coalesce(n.preset_version_id, (SELECT ea.preset_version_id FROM assets ea WHERE ea.id = n.asset_id)),
         sum(n.micros),
         count(*),
         count(*) FILTER (WHERE n.generation_id IS NOT NULL AND n.purpose <> 'edit'),
         count(*) FILTER (WHERE n.generation_id IS NOT NULL AND n.purpose = 'retry')
  FROM new_rows n
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT cost_ledger_daily_key DO UPDATE SET
    micros = d.micros + excluded.micros,
    calls = d.calls + excluded.calls,
    generation_calls = d.generation_calls + excluded.generation_calls,
    retry_calls = d.retry_calls + excluded.retry_calls;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER cost_ledger_daily_rollup AFTER INSERT ON cost_ledger
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kiln_cost_ledger_daily_add();
--> statement-breakpoint
-- Rebuilds the rollup from the whole ledger: the backfill below, and for anything that loads the
-- ledger with triggers off (bench/costs.ts loads a year in replica mode). Blocks ledger inserts meanwhile.
CREATE OR REPLACE FUNCTION kiln_cost_ledger_daily_rebuild() RETURNS void AS $$
BEGIN
  LOCK TABLE cost_ledger IN SHARE MODE;
  DELETE FROM cost_ledger_daily;
  INSERT INTO cost_ledger_daily (day, batch_id, preset_version_id, micros, calls, generation_calls, retry_calls)
  SELECT (l.created_at AT TIME ZONE 'UTC')::date,
         l.batch_id,
         coalesce(l.preset_version_id, (SELECT ea.preset_version_id FROM assets ea WHERE ea.id = l.asset_id)),
         sum(l.micros),
         count(*),
         count(*) FILTER (WHERE l.generation_id IS NOT NULL AND l.purpose <> 'edit'),
         count(*) FILTER (WHERE l.generation_id IS NOT NULL AND l.purpose = 'retry')
  FROM cost_ledger l
  GROUP BY 1, 2, 3;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
SELECT kiln_cost_ledger_daily_rebuild();
