import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { ASSETS_FROM, dimensionWhere, rejectedInRange } from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { int, micros, queryRows } from "./sql";

export type RejectReasonRow = {
  code: string;
  /** The taxonomy's label for a reviewer's reason; the check's reason code otherwise. */
  label: string;
  /** Assets rejected in the range for this reason (an asset rejected for two reasons counts in both). */
  assets: number;
  /** Of those, rejected by a reviewer (the rest by the automated checks). */
  byReviewer: number;
  /** Everything spent on those images (their calls, retries and edits), whenever it was spent. */
  micros: number;
};

type Row = { code: string; label: string | null; assets: number; by_reviewer: number; micros: string };

/**
 * Why assets were rejected in the range, most frequent first, with what the rejected images cost.
 * A reviewer's rejection takes the reason code of their (not undone) decision on the current
 * version; the checks' rejections take the asset's status reason ("blur, nsfw" counts for both).
 */
export async function topRejectReasons(
  db: DbExecutor,
  f: CostFilters,
  scope: CostScope,
  limit = 10,
): Promise<RejectReasonRow[]> {
  const rows = await queryRows<Row>(
    db,
    sql`
    -- materialized: each rejected image is costed once (inlined, the planner re-ran the sums per use).
    with rejected as materialized (
      select a.id, a.generation_id, a.status_reason,
             (select d.reason_code from review_decisions d
               where d.asset_id = a.id and d.asset_version_id = a.current_version_id and d.decision = 'reject' and d.undone_at is null
               order by d.created_at desc limit 1) as review_reason
      from ${ASSETS_FROM}
      where a.status = 'rejected' and ${rejectedInRange(f)} and ${dimensionWhere(f, scope)}
    ), costed as materialized (
      select r.*,
             (select coalesce(sum(x.micros), 0) from cost_ledger x where x.generation_id = r.generation_id)
             + (select coalesce(sum(x.micros), 0) from cost_ledger x where x.asset_id = r.id) as micros
      from rejected r
    ), coded as (
      select c.id, c.micros, c.review_reason is not null as by_reviewer, trim(code) as code
      from costed c, unnest(string_to_array(coalesce(c.review_reason, nullif(c.status_reason, ''), 'unspecified'), ',')) as code
    )
    select c.code, min(rr.label) as label, count(distinct c.id)::int as assets,
           count(distinct c.id) filter (where c.by_reviewer)::int as by_reviewer, sum(c.micros)::text as micros
    from coded c left join reject_reasons rr on rr.code = c.code
    group by c.code
    order by count(distinct c.id) desc, sum(c.micros) desc, c.code
    limit ${limit}`,
  );
  return rows.map((r) => ({
    code: r.code,
    label: r.label ?? r.code.replaceAll("_", " "),
    assets: int(r.assets),
    byReviewer: int(r.by_reviewer),
    micros: micros(r.micros),
  }));
}
