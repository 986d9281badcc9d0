import { sql, type SQL } from "drizzle-orm";
import type { CostFilters } from "./filters";
import type { CostScope } from "./scope";

/**
 * The two row sources every figure is an aggregate of, with the same dimensions joined to each.
 *
 * Attribution: a ledger row belongs to the lineage of the image it was spent on (its root
 * generation, the root's re-rolls and the asset's edits). A lineage's members share the root's
 * batch (campaign, owner → team) and preset version (preset, tier, model, GPU endpoint) — re-rolls
 * copy both, edits carry the asset's batch — so each row's own batch_id and preset version are
 * the lineage's. Edits carry no preset version: theirs is the edited asset's. A row with no batch
 * (a provider connection test) belongs to no lineage: "overhead", counted in spend only while no
 * dimension filter is set, never dropped.
 *
 * Aliases: b = batch, o = batch owner, t = owner's team, pv = preset version, p = preset.
 */
export const LEDGER_FROM = sql`
  cost_ledger l
  left join batches b on b.id = l.batch_id
  left join users o on o.id = b.owner_id
  left join teams t on t.id = o.team_id
  left join preset_versions pv on pv.id = coalesce(l.preset_version_id, (select ea.preset_version_id from assets ea where ea.id = l.asset_id))
  left join presets p on p.id = pv.preset_id`;

/**
 * The dimensions joined to a row source aliased `source` that carries batch_id and preset_version_id
 * (the rollups, the per-lineage sums, assets): the same aliases as LEDGER_FROM.
 */
function dimensionsOf(source: SQL): SQL {
  return sql`left join batches b on b.id = ${source}.batch_id
  left join users o on o.id = b.owner_id
  left join teams t on t.id = o.team_id
  left join preset_versions pv on pv.id = ${source}.preset_version_id
  left join presets p on p.id = pv.preset_id`;
}

/**
 * Where the totals, series and groups are read from. "rollup" (the default): spend from
 * cost_ledger_daily (the ledger summed per UTC day × lineage key by a trigger, migration 0017) and
 * approved/rejected counts from asset_decisions_daily (decisions per UTC day × lineage key, kept by
 * triggers on assets, migration 0018; decision 0026). The report's ranges are whole UTC days and its
 * dimensions are functions of the lineage key, so it gives the same figures as "ledger" (every ledger
 * row and every decided asset in the range), which stays as the reference the tests compare against.
 */
export type SpendSource = "rollup" | "ledger";
export type SpendOptions = { source?: SpendSource };

/**
 * The rollup rows of the range with the same dimensions as LEDGER_FROM. Columns of `l`: day,
 * batch_id, preset_version_id, micros, calls, generation_calls, retry_calls (so IS_OVERHEAD holds).
 */
export function ledgerDailyFrom(f: CostFilters): SQL {
  return sql`
  (select d.day, d.batch_id, d.preset_version_id, d.micros, d.calls, d.generation_calls, d.retry_calls
   from cost_ledger_daily d
   where d.day >= ${f.from}::date and d.day <= ${f.to}::date) l
  ${dimensionsOf(sql.raw("l"))}`;
}

/**
 * The ledger rows in the range pre-aggregated per lineage key (batch × preset version), with the
 * same dimensions joined to the few thousand sums instead of to every row: every dimension is a
 * function of those two, so filters and groups give the same figures as over LEDGER_FROM. Columns
 * of `l`: batch_id, preset_version_id, micros, calls, generation_calls, retry_calls.
 */
export function ledgerByLineageFrom(f: CostFilters, source: SpendSource = "rollup"): SQL {
  const sums =
    source === "rollup"
      ? sql`(select d.batch_id, d.preset_version_id, sum(d.micros) as micros, sum(d.calls) as calls,
          sum(d.generation_calls) as generation_calls, sum(d.retry_calls) as retry_calls
   from cost_ledger_daily d
   where d.day >= ${f.from}::date and d.day <= ${f.to}::date
   group by 1, 2) l`
      : sql`(select l.batch_id, coalesce(l.preset_version_id, (select ea.preset_version_id from assets ea where ea.id = l.asset_id)) as preset_version_id,
          sum(l.micros) as micros, count(*) as calls,
          count(*) filter (where ${IS_GENERATION_CALL}) as generation_calls,
          count(*) filter (where ${IS_RETRY}) as retry_calls
   from cost_ledger l
   where ${ledgerInRange(f)}
   group by 1, 2) l`;
  return sql`
  ${sums}
  ${dimensionsOf(sql.raw("l"))}`;
}

/**
 * Assets with the same dimensions (an asset's batch and preset version are its lineage's). Generated
 * assets only: an uploaded image (decision 0017) was not bought through the pipeline, so approving
 * or rejecting one must not move cost per usable asset or the reject rate. Its edits' spend is in
 * the ledger with no batch, so it shows as overhead.
 */
export const ASSETS_FROM = sql`
  (select * from assets where source = 'generated') a
  ${dimensionsOf(sql.raw("a"))}`;

/**
 * The decision rollup rows of the range with the same dimensions as ASSETS_FROM (generated assets
 * only, as there). Columns of `a`: day, batch_id, preset_version_id, approved, rejected.
 */
export function decisionsDailyFrom(f: CostFilters): SQL {
  return sql`
  (select x.day, x.batch_id, x.preset_version_id, x.approved, x.rejected
   from asset_decisions_daily x
   where x.day >= ${f.from}::date and x.day <= ${f.to}::date) a
  ${dimensionsOf(sql.raw("a"))}`;
}

/** True for ledger rows that belong to no lineage (no batch): overhead. */
export const IS_OVERHEAD = sql`l.batch_id is null`;
/** Provider calls that generated an image (first attempts, retries, re-rolls), the retry rate's denominator. */
export const IS_GENERATION_CALL = sql`(l.generation_id is not null and l.purpose <> 'edit')`;
export const IS_RETRY = sql`(l.generation_id is not null and l.purpose = 'retry')`;

export function ledgerInRange(f: CostFilters): SQL {
  return sql`l.created_at >= ${f.start.toISOString()}::timestamptz and l.created_at < ${f.end.toISOString()}::timestamptz`;
}
export const approvedInRange = (f: CostFilters) =>
  sql`(a.approved_at >= ${f.start.toISOString()}::timestamptz and a.approved_at < ${f.end.toISOString()}::timestamptz)`;
export const rejectedInRange = (f: CostFilters) =>
  sql`(a.rejected_at >= ${f.start.toISOString()}::timestamptz and a.rejected_at < ${f.end.toISOString()}::timestamptz)`;
/** Assets decided (approved or rejected) in the range: the population of approved counts and reject rates. */
export const decidedInRange = (f: CostFilters) => sql`(${approvedInRange(f)} or ${rejectedInRange(f)})`;

/** The dimension filters and the viewer's scope, over the aliases above. */
export function dimensionWhere(f: CostFilters, scope: CostScope): SQL {
  const c: SQL[] = [];
  if (f.campaign) c.push(sql`b.campaign = ${f.campaign}`);
  if (f.teamId) c.push(sql`o.team_id = ${f.teamId}::uuid`);
  if (f.userId) c.push(sql`b.owner_id = ${f.userId}::uuid`);
  if (f.tier) c.push(sql`p.tier::text = ${f.tier}`);
  if (f.presetId) c.push(sql`pv.preset_id = ${f.presetId}::uuid`);
  if (f.model) c.push(sql`pv.model = ${f.model}`);
  if (f.providerId) c.push(sql`pv.provider_id = ${f.providerId}::uuid`);
  if (scope.kind === "team") c.push(sql`o.team_id = ${scope.teamId}::uuid`);
  if (scope.kind === "own") c.push(sql`b.owner_id = ${scope.userId}::uuid`);
  return c.length ? sql.join(c, sql` and `) : sql`true`;
}

/** The report's tables: how spend and assets are grouped, and how a group is named. */
export const GROUP_DIMENSIONS = {
  model: { key: sql`pv.model`, label: sql`pv.model` },
  tier: { key: sql`p.tier::text`, label: sql`p.tier::text` },
  preset: { key: sql`pv.preset_id::text`, label: sql`p.name` },
  campaign: { key: sql`b.campaign`, label: sql`b.campaign` },
  user: { key: sql`b.owner_id::text`, label: sql`o.name || ' <' || o.email || '>'` },
  team: { key: sql`o.team_id::text`, label: sql`t.name` },
} as const;
export type GroupDimension = keyof typeof GROUP_DIMENSIONS;
export const GROUP_DIMENSION_NAMES = Object.keys(GROUP_DIMENSIONS) as GroupDimension[];

/** Keys of the two groups that are not a value of the dimension. */
export const OVERHEAD_KEY = "~overhead";
export const NONE_KEY = "~none";
