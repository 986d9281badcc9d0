import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { dimensionWhere, IS_OVERHEAD, LEDGER_FROM, ledgerInRange } from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { int, micros, queryRows } from "./sql";

/** Why money was spent (the ledger's purpose), plus overhead for spend that belongs to no lineage. */
export const SPEND_PURPOSES = ["first_attempt", "retry", "reroll", "edit", "overhead"] as const;
export type SpendPurpose = (typeof SPEND_PURPOSES)[number];
/**
 * Where the image the money was spent on ended up: the status of the asset a call made (or
 * retried towards, or edited). "no_image": the generation never produced one (failed for good,
 * cancelled, or still running).
 */
export const SPEND_OUTCOMES = ["approved", "rejected", "in_review", "changes_requested", "checking", "no_image", "overhead"] as const;
export type SpendOutcome = (typeof SPEND_OUTCOMES)[number];

export const PURPOSE_LABELS: Record<SpendPurpose, string> = {
  first_attempt: "First attempts",
  retry: "Retries",
  reroll: "Re-rolls",
  edit: "Edits",
  overhead: "Overhead (unattributed)",
};
export const OUTCOME_LABELS: Record<SpendOutcome, string> = {
  approved: "Approved work",
  rejected: "Rejected work",
  in_review: "Waiting for review",
  changes_requested: "Changes requested",
  checking: "Being checked",
  no_image: "No image (failed or running)",
  overhead: "Overhead (unattributed)",
};

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
 * generation; an edit's is the asset it edited (looked up only for edit rows).
 */
export async function costBreakdown(db: DbExecutor, f: CostFilters, scope: CostScope): Promise<CostBreakdown> {
  const rows = await queryRows<Row>(
    db,
    sql`
    with rows as (
      select l.micros,
             case when ${IS_OVERHEAD} then 'overhead' else l.purpose::text end as purpose,
             case when ${IS_OVERHEAD} then 'overhead'
                  else coalesce(case when l.asset_id is not null then (select x.status::text from assets x where x.id = l.asset_id) else ga.status::text end, 'no_image')
             end as outcome
      from ${LEDGER_FROM}
      left join assets ga on ga.generation_id = l.generation_id
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
