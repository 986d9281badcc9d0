import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import {
  approvedInRange,
  ASSETS_FROM,
  dimensionWhere,
  IS_GENERATION_CALL,
  IS_OVERHEAD,
  IS_RETRY,
  LEDGER_FROM,
  decisionsDailyFrom,
  ledgerDailyFrom,
  ledgerInRange,
  rejectedInRange,
  type SpendOptions,
} from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { costPerUsable, int, micros, microsOrNull, queryRows, rate } from "./sql";

export type CostDay = {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  spendMicros: number;
  attributedMicros: number;
  approved: number;
  rejected: number;
  /** That day's attributed spend ÷ that day's approvals (the headline's definition, per day). */
  costPerUsableMicros: number | null;
  rejectRate: number | null;
  retryRate: number | null;
};

type Row = {
  day: string;
  spend: string;
  attributed: string;
  generation_calls: number;
  retry_calls: number;
  approved: number;
  rejected: number;
  cpu: string | null;
};

/**
 * One row per UTC day of the range (days without activity included, as zeros), for the charts. Spend
 * and decisions read the daily rollups unless `options.source` is "ledger" (same figures; base.ts).
 */
export async function costSeries(
  db: DbExecutor,
  f: CostFilters,
  scope: CostScope,
  options: SpendOptions = {},
): Promise<CostDay[]> {
  const where = dimensionWhere(f, scope);
  const spend =
    options.source === "ledger"
      ? sql`
      select (l.created_at at time zone 'UTC')::date as day,
             sum(l.micros) as spend,
             sum(l.micros) filter (where not ${IS_OVERHEAD}) as attributed,
             count(*) filter (where ${IS_GENERATION_CALL}) as generation_calls,
             count(*) filter (where ${IS_RETRY}) as retry_calls
      from ${LEDGER_FROM}
      where ${ledgerInRange(f)} and ${where}
      group by 1`
      : sql`
      select l.day,
             sum(l.micros) as spend,
             sum(l.micros) filter (where not ${IS_OVERHEAD}) as attributed,
             sum(l.generation_calls) as generation_calls,
             sum(l.retry_calls) as retry_calls
      from ${ledgerDailyFrom(f)}
      where ${where}
      group by 1`;
  const outcomes =
    options.source === "ledger"
      ? sql`
      select day, sum(approved)::int as approved, sum(rejected)::int as rejected from (
        select (a.approved_at at time zone 'UTC')::date as day, 1 as approved, 0 as rejected from ${ASSETS_FROM} where ${approvedInRange(f)} and ${where}
        union all
        select (a.rejected_at at time zone 'UTC')::date, 0, 1 from ${ASSETS_FROM} where ${rejectedInRange(f)} and ${where}
      ) decided group by day`
      : sql`
      select a.day, sum(a.approved)::int as approved, sum(a.rejected)::int as rejected
      from ${decisionsDailyFrom(f)}
      where ${where}
      group by 1`;
  const rows = await queryRows<Row>(
    db,
    sql`
    with days as (
      select d::date as day from generate_series(${f.from}::date, ${f.to}::date, interval '1 day') as d
    ), spend as (${spend}
    ), outcomes as (${outcomes}
    )
    select to_char(d.day, 'YYYY-MM-DD') as day,
           coalesce(s.spend, 0)::text as spend, coalesce(s.attributed, 0)::text as attributed,
           coalesce(s.generation_calls, 0)::int as generation_calls, coalesce(s.retry_calls, 0)::int as retry_calls,
           coalesce(o.approved, 0) as approved, coalesce(o.rejected, 0) as rejected,
           ${costPerUsable(sql`s.attributed`, sql`coalesce(o.approved, 0)`)} as cpu
    from days d
    left join spend s on s.day = d.day
    left join outcomes o on o.day = d.day
    order by d.day`,
  );
  return rows.map((r) => ({
    day: r.day,
    spendMicros: micros(r.spend),
    attributedMicros: micros(r.attributed),
    approved: int(r.approved),
    rejected: int(r.rejected),
    costPerUsableMicros: microsOrNull(r.cpu),
    rejectRate: rate(int(r.rejected), int(r.approved) + int(r.rejected)),
    retryRate: rate(int(r.retry_calls), int(r.generation_calls)),
  }));
}
