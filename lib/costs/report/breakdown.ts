import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { dimensionWhere, IS_OVERHEAD, LEDGER_FROM, ledgerInRange } from "./base";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";
import { int, micros, queryRows } from "./sql";

import { SPEND_OUTCOMES, SPEND_PURPOSES, type SpendOutcome, type SpendPurpose } from "./labels";

export {
  OUTCOME_LABELS,
  PURPOSE_LABELS,
  SPEND_OUTCOMES,
  SPEND_PURPOSES,
  type SpendOutcome,
  type SpendPurpose,
} from "./labels";

export type BreakdownCell = { purpose: SpendPurpose; outcome: SpendOutcome; micros: number; calls: number };
export type CostBreakdown = {
  /** Purpose × outcome; every cell's micros add up to the headline spend. */
  cells: BreakdownCell[];
  byPurpose: { purpose: SpendPurpose; micros: number; calls: number }[];
  byOutcome: { outcome: SpendOutcome; micros: number; calls: number }[];
  /** Spend on images that ended rejected (any purpose): the waste finance asks about first. */
  rejectedMicros: number;
};

type Row = { overhead: boolean; purpose: string | null; status: string | null; micros: string; calls: number };

/**
 * Where the money went: spend per purpose × the status of the image it was spent on, as one SQL
 * aggregate over raw flags and enums (a handful of groups), folded into cells, per-purpose and
 * per-outcome sums with exact BigInt arithmetic here.
 *
 * A generation call's image is the asset made from its generation; an edit's is the asset it
 * edited. The asset of a call in the range was made at or after that call, so the generation
 * calls are hash-joined to the assets created since the range's start (an index range, not every
 * asset ever made); a call whose asset is older than that (a call record settled late) or whose
 * asset does not exist is looked up by its generation, as are edits by their asset: a few index
 * probes, where one per row cost more than the rest of the query. The rows are grouped by the raw
 * flag and enums (a dozen groups) and only the groups cast to text: grouping by the text
 * casts sorted every row of the range by collated strings, spilling to disk (decision 0026).
 */
export async function costBreakdown(db: DbExecutor, f: CostFilters, scope: CostScope): Promise<CostBreakdown> {
  const rows = await queryRows<Row>(
    db,
    sql`
    select c.overhead, c.purpose::text as purpose, c.status::text as status, sum(c.micros)::text as micros, count(*)::int as calls
    from (
      select ${IS_OVERHEAD} as overhead, l.purpose,
             coalesce(case when l.asset_id is not null then (select x.status from assets x where x.id = l.asset_id) else ga.status end,
                      case when l.asset_id is null then (select x.status from assets x where x.generation_id = l.generation_id) end) as status,
             l.micros
      from ${LEDGER_FROM}
      left join assets ga on ga.created_at >= ${f.start.toISOString()}::timestamptz and ga.generation_id = l.generation_id and l.asset_id is null
      where ${ledgerInRange(f)} and ${dimensionWhere(f, scope)}
    ) c
    group by c.overhead, c.purpose, c.status`,
  );
  const merged = new Map<string, { purpose: SpendPurpose; outcome: SpendOutcome; micros: bigint; calls: number }>();
  for (const r of rows) {
    const purpose = (r.overhead ? "overhead" : r.purpose) as SpendPurpose;
    const outcome = (r.overhead ? "overhead" : (r.status ?? "no_image")) as SpendOutcome;
    const cell = merged.get(`${purpose}|${outcome}`) ?? { purpose, outcome, micros: 0n, calls: 0 };
    cell.micros += BigInt(r.micros);
    cell.calls += int(r.calls);
    merged.set(`${purpose}|${outcome}`, cell);
  }
  const cells: BreakdownCell[] = [...merged.values()].map((c) => ({ ...c, micros: micros(c.micros) }));
  const sumBy = <K extends "purpose" | "outcome">(key: K) => {
    const sums = new Map<BreakdownCell[K], { micros: bigint; calls: number }>();
    for (const c of cells) {
      const s = sums.get(c[key]) ?? { micros: 0n, calls: 0 };
      s.micros += BigInt(c.micros);
      s.calls += c.calls;
      sums.set(c[key], s);
    }
    return [...sums].map(([value, s]) => ({ value, micros: micros(s.micros), calls: s.calls }));
  };
  const byPurpose: CostBreakdown["byPurpose"] = sumBy("purpose").map(({ value, ...s }) => ({
    purpose: value as SpendPurpose,
    ...s,
  }));
  const byOutcome: CostBreakdown["byOutcome"] = sumBy("outcome").map(({ value, ...s }) => ({
    outcome: value as SpendOutcome,
    ...s,
  }));
  const order =
    <T>(list: readonly T[]) =>
    (a: T, b: T) =>
      list.indexOf(a) - list.indexOf(b);
  cells.sort((a, b) => order(SPEND_PURPOSES)(a.purpose, b.purpose) || order(SPEND_OUTCOMES)(a.outcome, b.outcome));
  byPurpose.sort((a, b) => order(SPEND_PURPOSES)(a.purpose, b.purpose));
  byOutcome.sort((a, b) => order(SPEND_OUTCOMES)(a.outcome, b.outcome));
  return { cells, byPurpose, byOutcome, rejectedMicros: byOutcome.find((o) => o.outcome === "rejected")?.micros ?? 0 };
}
