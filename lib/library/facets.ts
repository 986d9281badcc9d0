import { sql, type SQL } from "drizzle-orm";
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
/**
 * Counts per facet. `sample` is null when the counts are exact; when the query matches more than
 * FACET_SAMPLE assets the counts are over its newest FACET_SAMPLE matches (say so on the page:
 * "in the newest 5,000 of 10,000+"), because exact counts of a broad query read every row.
 */
export type LibraryFacets = Record<FacetName, FacetBucket[]> & { sample: { rows: number } | null };

/** Above this many matches, facets count the newest this-many (an index range, not the whole table). */
export const FACET_SAMPLE = 5_000;

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

type Row = { facet: FacetName; value: string; label: string | null; n: number | string; sampled: boolean };

/** The scalar facets: one grouping set each, so one pass over the matches counts them all. */
const SCALAR: [FacetName, SQL][] = [
  ["status", sql`status::text`],
  ["tier", sql`tier::text`],
  ["source", sql`source::text`],
  ["campaign", sql`campaign`],
  ["batch", sql`batch_id::text`],
  ["preset", sql`preset_id::text`],
  ["template", sql`template_id::text`],
  ["model", sql`model`],
  ["provider", sql`provider_id::text`],
  ["designer", sql`owner_id::text`],
  ["team", sql`team_id::text`],
  ["check", sql`check_verdict::text`],
  ["created", sql`month`],
];

/**
 * Counts per facet for the same query (visibility, fields and words), each the top N by count.
 * The matching rows (at most FACET_SAMPLE + 1, newest first) are read once into a materialized CTE;
 * the scalar facets are grouping sets of one aggregate, the array facets one unnest pass, and labels
 * are joined to the grouped ids only (names, never uuids, reach the page).
 */
export async function libraryFacets({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<LibraryFacets> {
  const { q, top } = parseInput(facetsInput, input);
  const { where } = await matchCondition(ctx, q);
  const facetOf = sql.join(
    SCALAR.map(([name, expr]) => sql`when grouping(${expr}) = 0 then ${sql.raw(`'${name}'`)}`),
    sql` `,
  );
  const valueOf = sql.join(
    SCALAR.map(([, expr]) => expr),
    sql`, `,
  );
  const rows = await queryRows<Row>(
    ctx.db,
    sql`
    with m0 as materialized (
      select ${s.status} as status, ${s.tier} as tier, ${s.source} as source, ${s.campaign} as campaign, ${s.batchId} as batch_id,
             ${s.presetId} as preset_id, ${s.templateId} as template_id, ${s.model} as model, ${s.loras} as loras,
             ${s.providerId} as provider_id, ${s.ownerId} as owner_id, ${s.teamId} as team_id, ${s.reviewerIds} as reviewer_ids,
             ${s.checkVerdict} as check_verdict, ${s.checkReasons} as check_reasons, ${s.tags} as tags,
             to_char(${s.createdAt} at time zone 'UTC', 'YYYY-MM') as month
      from ${s} where ${where}
      order by ${s.createdAt} desc, ${s.assetId} desc
      limit ${FACET_SAMPLE + 1}
    ), sampled as (
      select count(*) > ${FACET_SAMPLE} as sampled from m0
    ), m as (
      select * from m0 limit ${FACET_SAMPLE}
    ), counted as (
      select case ${facetOf} end as facet, coalesce(${valueOf}) as value, count(*) as n
      from m group by grouping sets (${sql.join(
        SCALAR.map(([, expr]) => sql`(${expr})`),
        sql`, `,
      )})
      union all
      select a.facet, a.value, count(*) from m cross join lateral (
        select 'lora' as facet, x as value from unnest(m.loras) x
        union all select 'reviewer', x::text from unnest(m.reviewer_ids) x
        union all select 'reason', x from unnest(m.check_reasons) x
        union all select 'tag', x from unnest(m.tags) x
      ) a group by 1, 2
    ), ranked as (
      select c.*, row_number() over (partition by c.facet order by c.n desc, c.value) as place from counted c where c.value is not null
    )
    select r.facet, r.value, r.n::int as n, (select sampled from sampled) as sampled,
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
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetBucket[]])) as Record<FacetName, FacetBucket[]>;
  for (const row of rows) facets[row.facet]?.push(bucketOf(row));
  const sampled = rows.some((r) => r.sampled === true || (r.sampled as unknown) === "t");
  return { ...facets, sample: sampled ? { rows: FACET_SAMPLE } : null };
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
