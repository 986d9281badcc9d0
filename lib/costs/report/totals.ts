import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import {
  ASSETS_FROM,
  decidedInRange,
  dimensionWhere,
  IS_GENERATION_CALL,
  IS_OVERHEAD,
  IS_RETRY,
  LEDGER_FROM,
  ledgerInRange,
  approvedInRange,
  rejectedInRange,
  ledgerDailyFrom,
  decisionsDailyFrom,
  type SpendOptions,
} from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { costPerUsable, int, micros, microsOrNull, queryRows, rate } from "./sql";

export type CostTotals = {
  /** Every ledger micro in the range that the filters select, overhead included. */
  spendMicros: number;
  /** The part of spend that belongs to a lineage (spend − overhead): what cost per usable asset divides. */
  attributedMicros: number;
  overheadMicros: number;
  calls: number;
  generationCalls: number;
  retryCalls: number;
  approved: number;
  rejected: number;
  /** attributed spend ÷ approved assets, integer micros rounded half up; null when nothing was approved. */
  costPerUsableMicros: number | null;
  /** rejected ÷ (approved + rejected), assets decided in the range. */
  rejectRate: number | null;
  /** retry calls ÷ generation calls. */
  retryRate: number | null;
};

type Row = {
  spend: string;
  attributed: string;
  overhead: string;
  calls: number;
  generation_calls: number;
  retry_calls: number;
  approved: number;
  rejected: number;
  cpu: string | null;
};

/**
 * The headline figures: one query, a ledger aggregate and an assets aggregate side by side. Both
 * read the daily rollups unless `options.source` is "ledger" (same figures; base.ts).
 */
export async function costTotals(
  db: DbExecutor,
  f: CostFilters,
  scope: CostScope,
  options: SpendOptions = {},
): Promise<CostTotals> {
  const where = dimensionWhere(f, scope);
  const spend =
    options.source === "ledger"
      ? sql`
      select sum(l.micros) as spend,
             sum(l.micros) filter (where not ${IS_OVERHEAD}) as attributed,
             sum(l.micros) filter (where ${IS_OVERHEAD}) as overhead,
             count(*)::int as calls,
             count(*) filter (where ${IS_GENERATION_CALL})::int as generation_calls,
             count(*) filter (where ${IS_RETRY})::int as retry_calls
      from ${LEDGER_FROM}
      where ${ledgerInRange(f)} and ${where}`
      : sql`
      select sum(l.micros) as spend,
             sum(l.micros) filter (where not ${IS_OVERHEAD}) as attributed,
             sum(l.micros) filter (where ${IS_OVERHEAD}) as overhead,
             coalesce(sum(l.calls), 0)::int as calls,
             coalesce(sum(l.generation_calls), 0)::int as generation_calls,
             coalesce(sum(l.retry_calls), 0)::int as retry_calls
      from ${ledgerDailyFrom(f)}
      where ${where}`;
  const outcomes =
    options.source === "ledger"
      ? sql`
      select count(*) filter (where ${approvedInRange(f)})::int as approved,
             count(*) filter (where ${rejectedInRange(f)})::int as rejected
      from ${ASSETS_FROM}
      where ${decidedInRange(f)} and ${where}`
      : sql`
      select coalesce(sum(a.approved), 0)::int as approved, coalesce(sum(a.rejected), 0)::int as rejected
      from ${decisionsDailyFrom(f)}
      where ${where}`;
  const [row] = await queryRows<Row>(
    db,
    sql`
    with spend as (${spend}
    ), outcomes as (${outcomes}
    )
    select coalesce(s.spend, 0)::text as spend, coalesce(s.attributed, 0)::text as attributed, coalesce(s.overhead, 0)::text as overhead, s.calls, s.generation_calls, s.retry_calls,
           o.approved, o.rejected, ${costPerUsable(sql`s.attributed`, sql`o.approved`)} as cpu
    from spend s cross join outcomes o`,
  );
  const r = row!;
  const approved = int(r.approved);
  const rejected = int(r.rejected);
  return {
    spendMicros: micros(r.spend),
    attributedMicros: micros(r.attributed),
    overheadMicros: micros(r.overhead),
    calls: int(r.calls),
    generationCalls: int(r.generation_calls),
    retryCalls: int(r.retry_calls),
    approved,
    rejected,
    costPerUsableMicros: microsOrNull(r.cpu),
    rejectRate: rate(rejected, approved + rejected),
    retryRate: rate(int(r.retry_calls), int(r.generation_calls)),
  };
}
