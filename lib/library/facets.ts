import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { assetSearch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { ratioCondition } from "./compile-query";
import { ASPECT_RATIOS, queryToken, type FieldName } from "./query-grammar";
import { matchCondition, queryRows } from "./search";

/** In the sidebar's order: what an asset is and what it looks like first, then what made it and who. */
export const FACETS = [
  "status",
  "tier",
  "source",
  "aspect",
  "size",
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

/**
 * One bucket: what to show (label), how many match, and the query term that selects it (append it to q).
 * Preset and template buckets carry their versions (`preset:slug@2`), counted in the same pass.
 */
export type FacetBucket = { value: string; label: string; count: number; token: string; versions?: FacetBucket[] };
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

type CountedName = FacetName | "preset_version" | "template_version";
type Row = { facet: CountedName; value: string; label: string | null; n: number | string; sampled: boolean };

/**
 * Size buckets by the longer side, smallest first: `value` is the `size:` term's value, so a
 * bucket's term finds exactly what it counted. The upper bounds are inclusive.
 */
export const SIZE_BUCKETS = [
  { value: "<768", label: "Under 768 px", max: 767 },
  { value: "768..1023", label: "768–1,023 px", max: 1023 },
  { value: "1024..1535", label: "1,024–1,535 px", max: 1535 },
  { value: "1536..2047", label: "1,536–2,047 px", max: 2047 },
  { value: ">=2048", label: "2,048 px and up", max: null },
] as const;

const ASPECT_ORDER = [...ASPECT_RATIOS.map(([w, h]) => `${w}:${h}`), "other"];
const ASPECT_NAMES: Record<string, string> = {
  "1:1": "1:1 square",
  "16:9": "16:9 wide",
  "9:16": "9:16 tall",
  other: "Other",
};

// Literals, not parameters: each expression appears three times (grouping(), the value, GROUP BY) and must read the same.
const literal = (v: string) => sql.raw(`'${v.replaceAll("'", "''")}'`);
const longest = sql`greatest(width, height)`;
const sizeBucket = sql`case when width is null or height is null then null ${sql.join(
  SIZE_BUCKETS.map((b) =>
    b.max === null
      ? sql`else ${literal(b.value)}`
      : sql`when ${longest} <= ${sql.raw(String(b.max))} then ${literal(b.value)}`,
  ),
  sql` `,
)} end`;
const aspectBucket = sql`case when not (width > 0 and height > 0) then null ${sql.join(
  ASPECT_RATIOS.map(
    ([w, h]) => sql`when ${ratioCondition(sql`width`, sql`height`, w, h)} then ${literal(`${w}:${h}`)}`,
  ),
  sql` `,
)} else 'other' end`;

/** The scalar facets: one grouping set each, so one pass over the matches counts them all. */
const SCALAR: [CountedName, SQL][] = [
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
  ["aspect", aspectBucket],
  ["size", sizeBucket],
  // Versions nest under their preset/template bucket (bucketsOf); a grouping set each costs no extra pass.
  ["preset_version", sql`preset_version_id::text`],
  ["template_version", sql`template_version_id::text`],
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
             to_char(${s.createdAt} at time zone 'UTC', 'YYYY-MM') as month,
             ${s.width} as width, ${s.height} as height, ${s.presetVersionId} as preset_version_id, ${s.templateVersionId} as template_version_id
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
             when 'preset_version' then (select p.slug || '|' || pv.version from preset_versions pv join presets p on p.id = pv.preset_id where pv.id::text = r.value)
             when 'template_version' then (select t.slug || '|' || tv.version from template_versions tv join templates t on t.id = tv.template_id where tv.id::text = r.value)
           end as label
    from ranked r
    where r.place <= ${top}
    order by r.facet, r.place`,
  );
  const facets = bucketsOf(rows);
  const sampled = rows.some((r) => r.sampled === true || (r.sampled as unknown) === "t");
  return { ...facets, sample: sampled ? { rows: FACET_SAMPLE } : null };
}

/** Rows into buckets per facet: versions under their preset/template, size and aspect in their fixed order. */
export function bucketsOf(rows: Row[]): Record<FacetName, FacetBucket[]> {
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetBucket[]])) as Record<FacetName, FacetBucket[]>;
  for (const row of rows)
    if (row.facet !== "preset_version" && row.facet !== "template_version") facets[row.facet]?.push(bucketOf(row));
  for (const row of rows) {
    if (row.facet !== "preset_version" && row.facet !== "template_version") continue;
    const field = row.facet === "preset_version" ? "preset" : "template";
    const [slug, version] = (row.label ?? "").split("|");
    const parent = facets[field].find((b) => b.value === slug);
    if (!parent || !version) continue;
    const value = `${slug}@${version}`;
    (parent.versions ??= []).push({
      value,
      label: `v${version}`,
      count: Number(row.n),
      token: queryToken(field, value),
    });
  }
  for (const list of [facets.preset, facets.template])
    for (const b of list) b.versions?.sort((a, b) => versionOf(b) - versionOf(a));
  const rank = (order: readonly string[]) => (a: FacetBucket, b: FacetBucket) =>
    order.indexOf(a.value) - order.indexOf(b.value);
  facets.aspect.sort(rank(ASPECT_ORDER));
  facets.size.sort(rank(SIZE_BUCKETS.map((b) => b.value)));
  return facets;
}

const versionOf = (b: FacetBucket) => Number(b.value.split("@").pop());

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
      case "aspect":
        return [row.value, ASPECT_NAMES[row.value] ?? row.value];
      case "size":
        return [row.value, SIZE_BUCKETS.find((b) => b.value === row.value)?.label ?? row.value];
      default:
        return [row.value, row.value];
    }
  })();
  return { value: grammarValue, label, count, token: queryToken(field, grammarValue) };
}
