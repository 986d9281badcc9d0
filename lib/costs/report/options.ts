import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { TIERS, type Tier } from "@/lib/presets";
import type { CostScope } from "./scope";
import { queryRows } from "./sql";

export type Option = { value: string; label: string };
export type CostFilterOptions = {
  campaigns: Option[];
  teams: Option[];
  users: Option[];
  tiers: Tier[];
  presets: Option[];
  models: Option[];
  providers: Option[];
};

/** What the filter bar offers: values that occur in the data the viewer may see. */
export async function costFilterOptions(db: DbExecutor, scope: CostScope): Promise<CostFilterOptions> {
  const visible =
    scope.kind === "team"
      ? sql`o.team_id = ${scope.teamId}::uuid`
      : scope.kind === "own"
        ? sql`b.owner_id = ${scope.userId}::uuid`
        : sql`true`;
  const rows = await queryRows<{ kind: keyof CostFilterOptions; value: string; label: string }>(
    db,
    sql`
    select distinct 'campaigns' as kind, b.campaign as value, b.campaign as label
      from batches b join users o on o.id = b.owner_id where b.campaign is not null and ${visible}
    union all
    select distinct 'users', o.id::text, o.name || ' <' || o.email || '>'
      from batches b join users o on o.id = b.owner_id where ${visible}
    union all
    select 'teams', t.id::text, t.name from teams t
      where ${scope.kind === "all" ? sql`true` : scope.kind === "team" ? sql`t.id = ${scope.teamId}::uuid` : sql`false`}
    union all
    select 'presets', p.id::text, p.name || ' (' || p.tier::text || ')' from presets p
    union all
    select distinct 'models', pv.model, pv.model from preset_versions pv
    union all
    select 'providers', pr.id::text, pr.name from providers pr
    order by 1, 3`,
  );
  const of = (kind: keyof CostFilterOptions) =>
    rows.filter((r) => r.kind === kind).map((r) => ({ value: r.value, label: r.label }));
  return {
    campaigns: of("campaigns"),
    teams: of("teams"),
    users: of("users"),
    tiers: [...TIERS],
    presets: of("presets"),
    models: of("models"),
    providers: of("providers"),
  };
}
