import { sql } from "drizzle-orm";
import { z } from "zod";
import { assetSearch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { queryToken, type FieldName } from "./query-grammar";
import { matchCondition, queryRows } from "./search";

export const FACETS = [
  "status",
  "tier",
  "source",
  "campaign",
  "batch",
  "preset",
  "template",
  "model",
  "lora",
  "provider",
  "designer",
  "team",
  "reviewer",
  "check",
  "reason",
  "tag",
  "created",
] as const;
export type FacetName = (typeof FACETS)[number];

/** One bucket: what to show (label), how many match, and the query term that selects it (append it to q). */
export type FacetBucket = { value: string; label: string; count: number; token: string };
export type LibraryFacets = Record<FacetName, FacetBucket[]>;

export const facetsInput = z.object({
  q: z.string().max(1_000, "A query is at most 1,000 characters.").default(""),
  top: z.coerce.number().int().min(1).max(50).default(10),
});

const s = assetSearch;

const STATUS_LABELS: Record<string, string> = {
  checking: "Checking",
  in_review: "In review",
  approved: "Approved",
  rejected: "Rejected",
  changes_requested: "Changes requested",
};
const humanize = (v: string) => STATUS_LABELS[v] ?? v.charAt(0).toUpperCase() + v.slice(1).replaceAll("_", " ");

type Row = { facet: FacetName; value: string; label: string | null; n: number | string };

/**
 * Counts per facet for the same query (visibility, fields and words), each the top N by count.
 * The matching rows are read once into a materialized CTE; every facet then groups that set (arrays
 * through unnest), and labels are joined to the grouped ids only (names, never uuids, reach the page).
 */
export async function libraryFacets({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<LibraryFacets> {
  const { q, top } = parseInput(facetsInput, input);
  const { where } = await matchCondition(ctx, q);
  const rows = await queryRows<Row>(
    ctx.db,
    sql`
    with m as materialized (
      select ${s.status} as status, ${s.tier} as tier, ${s.source} as source, ${s.campaign} as campaign, ${s.batchId} as batch_id,
             ${s.presetId} as preset_id, ${s.templateId} as template_id, ${s.model} as model, ${s.loras} as loras,
             ${s.providerId} as provider_id, ${s.ownerId} as owner_id, ${s.teamId} as team_id, ${s.reviewerIds} as reviewer_ids,
             ${s.checkVerdict} as check_verdict, ${s.checkReasons} as check_reasons, ${s.tags} as tags,
             to_char(${s.createdAt} at time zone 'UTC', 'YYYY-MM') as month
      from ${s} where ${where}
    ), counted as (
      select 'status' as facet, status::text as value, count(*) as n from m group by 2
      union all select 'tier', tier::text, count(*) from m where tier is not null group by 2
      union all select 'source', source::text, count(*) from m group by 2
      union all select 'campaign', campaign, count(*) from m where campaign is not null group by 2
      union all select 'batch', batch_id::text, count(*) from m where batch_id is not null group by 2
      union all select 'preset', preset_id::text, count(*) from m where preset_id is not null group by 2
      union all select 'template', template_id::text, count(*) from m where template_id is not null group by 2
      union all select 'model', model, count(*) from m where model is not null group by 2
      union all select 'lora', l, count(*) from m cross join unnest(m.loras) l group by 2
      union all select 'provider', provider_id::text, count(*) from m where provider_id is not null group by 2
      union all select 'designer', owner_id::text, count(*) from m group by 2
      union all select 'team', team_id::text, count(*) from m where team_id is not null group by 2
      union all select 'reviewer', r::text, count(*) from m cross join unnest(m.reviewer_ids) r group by 2
      union all select 'check', check_verdict::text, count(*) from m where check_verdict is not null group by 2
      union all select 'reason', c, count(*) from m cross join unnest(m.check_reasons) c group by 2
      union all select 'tag', t, count(*) from m cross join unnest(m.tags) t group by 2
      union all select 'created', month, count(*) from m group by 2
    ), ranked as (
      select c.*, row_number() over (partition by c.facet order by c.n desc, c.value) as place from counted c
    )
    select r.facet, r.value, r.n::int as n,
           case r.facet
             when 'batch' then (select b.name from batches b where b.id::text = r.value)
             when 'preset' then (select p.slug || '|' || p.name from presets p where p.id::text = r.value)
             when 'template' then (select t.slug || '|' || t.name from templates t where t.id::text = r.value)
             when 'provider' then (select pr.slug || '|' || pr.name from providers pr where pr.id::text = r.value)
             when 'designer' then (select u.email || '|' || u.name from users u where u.id::text = r.value)
             when 'reviewer' then (select u.email || '|' || u.name from users u where u.id::text = r.value)
             when 'team' then (select tm.name from teams tm where tm.id::text = r.value)
             when 'reason' then (select rr.label from reject_reasons rr where rr.code = r.value)
           end as label
    from ranked r
    where r.place <= ${top}
    order by r.facet, r.place`,
  );
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetBucket[]])) as LibraryFacets;
  for (const row of rows) facets[row.facet]?.push(bucketOf(row));
  return facets;
}

/** Turns a grouped id into what a person reads and the grammar accepts (slug, email, name). */
function bucketOf(row: Row): FacetBucket {
  const count = Number(row.n);
  const field = row.facet as FieldName;
  const [grammarValue, label] = ((): [string, string] => {
    switch (row.facet) {
      case "status":
      case "tier":
      case "source":
      case "check":
        return [row.value, humanize(row.value)];
      case "preset":
      case "template":
      case "provider":
      case "designer":
      case "reviewer": {
        const [slug, name] = (row.label ?? "").split(/\|(.*)/s);
        return slug ? [slug, name || slug] : [row.value, "(deleted)"];
      }
      case "batch":
        return [row.value, row.label ?? "(deleted batch)"];
      case "team":
        return row.label ? [row.label, row.label] : [row.value, "(deleted team)"];
      case "reason":
        return [row.value, row.label ?? row.value.replaceAll("_", " ")];
      default:
        return [row.value, row.value];
    }
  })();
  return { value: grammarValue, label, count, token: queryToken(field, grammarValue) };
}
