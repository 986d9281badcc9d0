import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { dimensionWhere, IS_OVERHEAD, LEDGER_FROM, ledgerInRange } from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { int, micros, queryRows } from "./sql";

import { SPEND_OUTCOMES, SPEND_PURPOSES, type SpendOutcome, type SpendPurpose } from "./labels";

export { OUTCOME_LABELS, PURPOSE_LABELS, SPEND_OUTCOMES, SPEND_PURPOSES, type SpendOutcome, type SpendPurpose } from "./labels";

export type BreakdownCell = { purpose: SpendPurpose; outcome: SpendOutcome; micros: number; calls: number };
export type CostBreakdown = {
  /** Purpose × outcome; every cell's micros add up to the headline spend. */
  cells: BreakdownCell[];
  byPurpose: { purpose: SpendPurpose; micros: number; calls: number }[];
  byOutcome: { outcome: SpendOutcome; micros: number; calls: number }[];
  /** Spend on images that ended rejected (any purpose): the waste finance asks about first. */
  rejectedMicros: number;
};

type Row = { purpose: string | null; outcome: string | null; micros: string; calls: number; g_purpose: number; g_outcome: number };

/**
 * Where the money went, as SQL aggregates at three levels at once (grouping sets): purpose ×
 * outcome, per purpose, per outcome. A generation call's image is the asset made from its
 * generation; an edit's is the asset it edited. Each is one index probe per row in the range
 * (cheaper than hashing every asset ever made for a month's rows).
 */
export async function costBreakdown(db: DbExecutor, f: CostFilters, scope: CostScope): Promise<CostBreakdown> {
  const rows = await queryRows<Row>(
    db,
    sql`
    with rows as (
      select l.micros,
             case when ${IS_OVERHEAD} then 'overhead' else l.purpose::text end as purpose,
             case when ${IS_OVERHEAD} then 'overhead'
                  else coalesce(case when l.asset_id is not null then (select x.status::text from assets x where x.id = l.asset_id)
                                     else (select x.status::text from assets x where x.generation_id = l.generation_id) end, 'no_image')
             end as outcome
      from ${LEDGER_FROM}
      where ${ledgerInRange(f)} and ${dimensionWhere(f, scope)}
    )
    select purpose, outcome, sum(micros)::text as micros, count(*)::int as calls,
           grouping(purpose)::int as g_purpose, grouping(outcome)::int as g_outcome
    from rows
    group by grouping sets ((purpose, outcome), (purpose), (outcome))`,
  );
  const cells: BreakdownCell[] = [];
  const byPurpose: CostBreakdown["byPurpose"] = [];
  const byOutcome: CostBreakdown["byOutcome"] = [];
  for (const r of rows) {
    const amount = { micros: micros(r.micros), calls: int(r.calls) };
    if (!r.g_purpose && !r.g_outcome) cells.push({ purpose: r.purpose as SpendPurpose, outcome: r.outcome as SpendOutcome, ...amount });
    else if (!r.g_purpose) byPurpose.push({ purpose: r.purpose as SpendPurpose, ...amount });
    else byOutcome.push({ outcome: r.outcome as SpendOutcome, ...amount });
  }
  const order =
    <T>(list: readonly T[]) =>
    (a: T, b: T) =>
      list.indexOf(a) - list.indexOf(b);
  cells.sort((a, b) => order(SPEND_PURPOSES)(a.purpose, b.purpose) || order(SPEND_OUTCOMES)(a.outcome, b.outcome));
  byPurpose.sort((a, b) => order(SPEND_PURPOSES)(a.purpose, b.purpose));
  byOutcome.sort((a, b) => order(SPEND_OUTCOMES)(a.outcome, b.outcome));
  return { cells, byPurpose, byOutcome, rejectedMicros: byOutcome.find((o) => o.outcome === "rejected")?.micros ?? 0 };
}
