import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import {
  approvedInRange,
  ASSETS_FROM,
  decidedInRange,
  decisionsDailyFrom,
  dimensionWhere,
  GROUP_DIMENSIONS,
  IS_OVERHEAD,
  ledgerByLineageFrom,
  NONE_KEY,
  OVERHEAD_KEY,
  rejectedInRange,
  type GroupDimension,
  type SpendOptions,
} from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { costPerUsable, int, micros, microsOrNull, queryRows, rate } from "./sql";

export type CostGroupRow = {
  /** The dimension's value (model name, tier, preset id, campaign, user id, team id), "~none" for "not set", "~overhead" for unattributable spend. */
  key: string;
  label: string;
  spendMicros: number;
  calls: number;
  generationCalls: number;
  retryCalls: number;
  approved: number;
  rejected: number;
  costPerUsableMicros: number | null;
  rejectRate: number | null;
  retryRate: number | null;
};

type Row = {
  key: string;
  label: string | null;
  spend: string;
  calls: number;
  generation_calls: number;
  retry_calls: number;
  approved: number;
  rejected: number;
  cpu: string | null;
};

const NONE_LABELS: Record<GroupDimension, string> = {
  model: "(no model)",
  tier: "(no tier)",
  preset: "(no preset)",
  campaign: "(no campaign)",
  user: "(unknown user)",
  team: "(no team)",
};
export const OVERHEAD_LABEL = "Overhead (not attributable to an asset)";

/**
 * Spend, calls and decisions per value of one dimension, biggest spend first. The ledger (summed
 * per lineage key first, then per group) and the assets are aggregated separately and joined on
 * the group key, so neither multiplies the other.
 * The groups' spends add up to the headline spend (overhead is its own group). Spend and decisions
 * read the daily rollups unless `options.source` is "ledger" (same figures; base.ts).
 */
export async function costGroups(
  db: DbExecutor,
  f: CostFilters,
  scope: CostScope,
  dimension: GroupDimension,
  options: SpendOptions = {},
): Promise<CostGroupRow[]> {
  const dim = GROUP_DIMENSIONS[dimension];
  const where = dimensionWhere(f, scope);
  // From the rollup, a group whose counts netted to zero (decisions undone) is no group, as in the reference.
  const outcomes =
    options.source === "ledger"
      ? sql`
      select coalesce(${dim.key}, ${NONE_KEY}) as key,
             min(${dim.label}) as label,
             count(*) filter (where ${approvedInRange(f)})::int as approved,
             count(*) filter (where ${rejectedInRange(f)})::int as rejected
      from ${ASSETS_FROM}
      where ${decidedInRange(f)} and ${where}
      group by 1`
      : sql`
      select coalesce(${dim.key}, ${NONE_KEY}) as key,
             min(${dim.label}) as label,
             sum(a.approved)::int as approved,
             sum(a.rejected)::int as rejected
      from ${decisionsDailyFrom(f)}
      where ${where}
      group by 1
      having sum(a.approved) <> 0 or sum(a.rejected) <> 0`;
  const rows = await queryRows<Row>(
    db,
    sql`
    with spend as (
      select case when ${IS_OVERHEAD} then ${OVERHEAD_KEY} else coalesce(${dim.key}, ${NONE_KEY}) end as key,
             min(${dim.label}) as label,
             sum(l.micros) as spend,
             sum(l.calls)::int as calls,
             sum(l.generation_calls)::int as generation_calls,
             sum(l.retry_calls)::int as retry_calls
      from ${ledgerByLineageFrom(f, options.source)}
      where ${where}
      group by 1
    ), outcomes as (${outcomes}
    )
    select coalesce(s.key, o.key) as key, coalesce(s.label, o.label) as label,
           coalesce(s.spend, 0)::text as spend, coalesce(s.calls, 0) as calls,
           coalesce(s.generation_calls, 0) as generation_calls, coalesce(s.retry_calls, 0) as retry_calls,
           coalesce(o.approved, 0) as approved, coalesce(o.rejected, 0) as rejected,
           ${costPerUsable(sql`case when s.key = ${OVERHEAD_KEY} then null else s.spend end`, sql`coalesce(o.approved, 0)`)} as cpu
    from spend s full join outcomes o on o.key = s.key
    order by coalesce(s.spend, 0) desc, coalesce(o.approved, 0) desc, 2`,
  );
  return rows.map((r) => {
    const approved = int(r.approved);
    const rejected = int(r.rejected);
    return {
      key: r.key,
      label: r.key === OVERHEAD_KEY ? OVERHEAD_LABEL : r.key === NONE_KEY ? NONE_LABELS[dimension] : (r.label ?? r.key),
      spendMicros: micros(r.spend),
      calls: int(r.calls),
      generationCalls: int(r.generation_calls),
      retryCalls: int(r.retry_calls),
      approved,
      rejected,
      costPerUsableMicros: r.key === OVERHEAD_KEY ? null : microsOrNull(r.cpu),
      rejectRate: rate(rejected, approved + rejected),
      retryRate: rate(int(r.retry_calls), int(r.generation_calls)),
    };
  });
}
