import { sql, type SQL } from "drizzle-orm";
import { assetSearch, type AssetSource, type AssetStatus, type Tier } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import {
  ASPECT_RATIOS,
  ASSET_SOURCES,
  ASSET_STATUSES,
  TIERS,
  type Aspect,
  type DateRange,
  type LibraryQuery,
  type NumberRange,
  type QueryTerm,
  type SizeValue,
} from "./query-grammar";
import { visibleAssetsCondition } from "./visibility";

// The grammar keeps its own copies of the enums (it runs in the browser too); these fail to compile when they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _enumsMatch: [
  Same<(typeof ASSET_STATUSES)[number], AssetStatus>,
  Same<(typeof TIERS)[number], Tier>,
  Same<(typeof ASSET_SOURCES)[number], AssetSource>,
] = [true, true, true];
void _enumsMatch;

const s = assetSearch;
const TS_CONFIG = sql.raw("'english'");

/**
 * A parsed query as SQL over asset_search: `where` (visibility AND every field term) and `text`,
 * the full-text part as a tsquery expression (null without words). Fragments (`*0042`) are ILIKE
 * conditions on the trigram-indexed identity text. Name-valued fields (preset,
 * campaign, designer…) become subqueries on small tables, so the big table is filtered by its
 * indexed id columns; array fields (lora, tag, reason) use the GIN indexes (`@>`).
 */
export function compileLibraryQuery(ctx: Ctx, query: LibraryQuery): { where: SQL; text: SQL | null } {
  const conditions: SQL[] = [visibleAssetsCondition(ctx)];
  const text: SQL[] = [];
  for (const term of query.terms) {
    if (term.kind === "text") {
      const q = term.prefix
        ? // Only letters, digits and _ reach here (the grammar checked), so the lexeme cannot carry tsquery syntax.
          sql`to_tsquery(${TS_CONFIG}, ${`${term.text.toLowerCase()}:*`})`
        : term.phrase
          ? sql`phraseto_tsquery(${TS_CONFIG}, ${term.text})`
          : sql`plainto_tsquery(${TS_CONFIG}, ${term.text})`;
      text.push(term.negated ? sql`(!! ${q})` : q);
      continue;
    }
    if (term.kind === "fragment") {
      // ILIKE over the identity text: the trigram GIN index narrows by the pattern's trigrams (any case).
      const condition = sql`${s.identity} ilike ${fragmentPattern(term.pattern)}`;
      conditions.push(term.negated ? sql`not ${condition}` : condition);
      continue;
    }
    const condition = fieldCondition(ctx, term);
    conditions.push(term.negated ? sql`not coalesce(${condition}, false)` : condition);
  }
  return { where: sql.join(conditions, sql` and `), text: text.length ? sql.join(text, sql` && `) : null };
}

type FieldTerm = Extract<QueryTerm, { kind: "field" }>;

const anyOf = (parts: SQL[]): SQL => (parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`);
const textArray = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const escapeLike = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
const likePrefix = (v: string) => `${escapeLike(v)}%`;
/** `KLN-004*` → `%KLN-004%`: open at both ends, each * any characters, LIKE's own wildcards taken literally. */
const fragmentPattern = (pattern: string) => `%${pattern.split("*").filter(Boolean).map(escapeLike).join("%")}%`;
const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/** People by `me`, id, email or name (any case). */
function peopleIds(ctx: Ctx, v: string): SQL {
  if (v.toLowerCase() === "me") return sql`select ${ctx.actor.id}::uuid`;
  if (isUuid(v)) return sql`select ${v.toLowerCase()}::uuid`;
  return sql`select pu.id from users pu where pu.email = ${v.toLowerCase()} or lower(pu.name) = ${v.toLowerCase()}`;
}

function fieldCondition(ctx: Ctx, term: FieldTerm): SQL {
  switch (term.field) {
    case "status":
      return sql`${s.status} in (${sql.join(
        term.values.map((v) => sql`${v}::asset_status`),
        sql`, `,
      )})`;
    case "tier":
      return sql`${s.tier} in (${sql.join(
        term.values.map((v) => sql`${v}::tier`),
        sql`, `,
      )})`;
    case "source":
      return sql`${s.source} in (${sql.join(
        term.values.map((v) => sql`${v}::asset_source`),
        sql`, `,
      )})`;
    case "alt":
      return anyOf(
        term.values.map((v) =>
          v === "missing"
            ? sql`${s.altTextStatus} in ('none', 'drafting')`
            : v === "draft"
              ? sql`${s.altTextStatus} = 'draft'`
              : sql`${s.altTextStatus} = 'confirmed'`,
        ),
      );
    case "rights":
      return anyOf(
        term.values.map((v) =>
          v === "expired"
            ? sql`${s.rightsExpiresAt} <= now()`
            : v === "expiring"
              ? sql`(${s.rightsExpiresAt} > now() and ${s.rightsExpiresAt} <= now() + interval '7 days')`
              : v === "limited"
                ? sql`${s.rightsExpiresAt} is not null`
                : sql`${s.rightsExpiresAt} is null`,
        ),
      );
    case "check":
      return sql`${s.checkVerdict} in (${sql.join(
        term.values.map((v) => sql`${v}::check_verdict`),
        sql`, `,
      )})`;
    case "preset":
      return anyOf(
        term.values.map(({ name, version }) => {
          const named = sql`(p.slug = ${name.toLowerCase()} or lower(p.name) = ${name.toLowerCase()})`;
          return version === null
            ? sql`${s.presetId} in (select p.id from presets p where ${named})`
            : sql`${s.presetVersionId} in (select pv.id from preset_versions pv join presets p on p.id = pv.preset_id where ${named} and pv.version = ${version})`;
        }),
      );
    case "template":
      return anyOf(
        term.values.map(({ name, version }) => {
          const named = sql`(t.slug = ${name.toLowerCase()} or lower(t.name) = ${name.toLowerCase()})`;
          return version === null
            ? sql`${s.templateId} in (select t.id from templates t where ${named})`
            : sql`${s.templateVersionId} in (select tv.id from template_versions tv join templates t on t.id = tv.template_id where ${named} and tv.version = ${version})`;
        }),
      );
    case "model":
      return anyOf(
        term.values.map((v) =>
          v.endsWith("*") ? sql`${s.model} like ${likePrefix(v.slice(0, -1))}` : sql`${s.model} = ${v}`,
        ),
      );
    case "lora":
      return anyOf(term.values.map((v) => sql`${s.loras} @> ${textArray([v])}`));
    case "tag":
      return anyOf(term.values.map((v) => sql`${s.tags} @> ${textArray([v])}`));
    case "reason":
      return anyOf(term.values.map((v) => sql`${s.checkReasons} @> ${textArray([v])}`));
    case "rejected":
      // check_reasons holds the status reason's codes too (GIN narrows); the status reason itself says it was *the* reason.
      return anyOf(
        term.values.map(
          (v) =>
            sql`(${s.status} = 'rejected'::asset_status and ${s.checkReasons} @> ${textArray([v])} and ${v} = any(select trim(c) from unnest(string_to_array(${s.statusReason}, ',')) c))`,
        ),
      );
    case "provider":
      return anyOf(
        term.values.map((v) =>
          isUuid(v)
            ? sql`${s.providerId} = ${v.toLowerCase()}::uuid`
            : sql`${s.providerId} in (select pr.id from providers pr where pr.slug = ${v.toLowerCase()} or lower(pr.name) = ${v.toLowerCase()})`,
        ),
      );
    case "campaign":
      // Campaigns are free text on batches: match any case, then filter the big table by the exact stored spellings (btree).
      return anyOf(
        term.values.map(
          (v) =>
            sql`${s.campaign} in (select distinct b.campaign from batches b where lower(b.campaign) = ${v.toLowerCase()})`,
        ),
      );
    case "batch":
      return anyOf(
        term.values.map((v) =>
          isUuid(v)
            ? sql`${s.batchId} = ${v.toLowerCase()}::uuid`
            : sql`${s.batchId} in (select b.id from batches b where lower(b.name) = ${v.toLowerCase()})`,
        ),
      );
    case "designer":
      return anyOf(term.values.map((v) => sql`${s.ownerId} in (${peopleIds(ctx, v)})`));
    case "reviewer":
      return anyOf(term.values.map((v) => sql`${s.reviewerIds} && array(${peopleIds(ctx, v)})`));
    case "team":
      return anyOf(
        term.values.map((v) =>
          isUuid(v)
            ? sql`${s.teamId} = ${v.toLowerCase()}::uuid`
            : sql`${s.teamId} in (select tm.id from teams tm where lower(tm.name) = ${v.toLowerCase()})`,
        ),
      );
    case "is":
      return sql`${s.assetId} in (select st.asset_id from asset_stars st where st.user_id = ${ctx.actor.id})`;
    case "in":
      return anyOf(
        term.values.map(
          (v) =>
            sql`${s.assetId} in (select ca.asset_id from collection_assets ca where ca.collection_id = ${v}::uuid)`,
        ),
      );
    case "origin":
      return anyOf(
        term.values.map(
          (v) => sql`${s.assetId} in (select oa.id from assets oa where oa.origin_asset_id = ${v}::uuid)`,
        ),
      );
    case "created":
      return anyOf(term.values.map((r) => dateCondition(sql`${s.createdAt}`, r)));
    case "approved":
      return anyOf(term.values.map((r) => dateCondition(sql`${s.approvedAt}`, r)));
    case "cost":
      return anyOf(term.values.map((r) => numberCondition(sql`${s.costMicros}`, r)));
    case "size":
      return anyOf(term.values.map(sizeCondition));
    case "aspect":
      return anyOf(term.values.map(aspectCondition));
  }
}

function dateCondition(column: SQL, r: DateRange): SQL {
  const parts: SQL[] = [];
  if (r.from) parts.push(sql`${column} >= ${r.from.toISOString()}::timestamptz`);
  if (r.to) parts.push(sql`${column} < ${r.to.toISOString()}::timestamptz`);
  if (!parts.length) parts.push(sql`${column} is not null`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

function numberCondition(column: SQL, r: NumberRange): SQL {
  const parts: SQL[] = [];
  if (r.min !== null) parts.push(r.minInclusive ? sql`${column} >= ${r.min}` : sql`${column} > ${r.min}`);
  if (r.max !== null) parts.push(r.maxInclusive ? sql`${column} <= ${r.max}` : sql`${column} < ${r.max}`);
  if (!parts.length) parts.push(sql`true`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

function sizeCondition(v: SizeValue): SQL {
  if ("width" in v) return sql`(${s.width} = ${v.width} and ${s.height} = ${v.height})`;
  return numberCondition(sql`greatest(${s.width}, ${s.height})`, v.range);
}

function aspectCondition(a: Aspect): SQL {
  if (a === "landscape") return sql`${s.width} > ${s.height}`;
  if (a === "portrait") return sql`${s.width} < ${s.height}`;
  if (a === "square") return sql`${s.width} = ${s.height}`;
  if (a === "other")
    return sql`(${s.width} > 0 and ${s.height} > 0 and not ${anyOf(ASPECT_RATIOS.map(([w, h]) => ratioCondition(sql`${s.width}`, sql`${s.height}`, w, h)))})`;
  return ratioCondition(sql`${s.width}`, sql`${s.height}`, a.w, a.h);
}

/**
 * Within 2 %: 1344×768 (SDXL's "16:9" bucket, 7:4 exactly) is 16:9 to a person. Shared with the
 * Aspect facet (lib/library/facets.ts), so a bucket's count is what its term then finds.
 */
export function ratioCondition(width: SQL, height: SQL, w: number, h: number): SQL {
  return sql`abs(${width} * ${sql.raw(String(h))} - ${height} * ${sql.raw(String(w))}) * 50 <= ${height} * ${sql.raw(String(w))}`;
}
