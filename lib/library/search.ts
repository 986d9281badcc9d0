import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { assetSearch, type AssetSource, type AssetStatus, type Rendition, type Tier } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { blobRouteUrl } from "@/lib/storage/keys";
import { compileLibraryQuery } from "./compile-query";
import { parseLibraryQueryOrThrow } from "./query-grammar";

export const LIBRARY_SORTS = ["newest", "oldest", "relevance", "cost"] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/** Counting stops here: beyond it the page shows "10,000+" (an exact count of a broad query costs a full scan). */
export const COUNT_CAP = 10_000;

export const searchInput = z.object({
  q: z.string().max(1_000, "A query is at most 1,000 characters.").default(""),
  sort: z.enum(LIBRARY_SORTS).default("newest"),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(60),
});
export type SearchInput = z.input<typeof searchInput>;

export type LibraryItem = {
  id: string;
  title: string;
  status: AssetStatus;
  tier: Tier | null;
  source: AssetSource;
  campaign: string | null;
  ownerName: string;
  createdAt: string;
  approvedAt: string | null;
  width: number | null;
  height: number | null;
  thumbUrl: string | null;
  previewUrl: string | null;
  starred: boolean;
  tags: string[];
  costMicros: number;
  statusReason: string | null;
  /** Usage rights end (tiles flag expired in red, expiring within a week in amber). */
  rightsExpiresAt: string | null;
  /** CSV columns carried through its batch (SKU, category…), in the file's order; {} for most uploads. */
  metadata: Record<string, string>;
};

export type LibraryPage = { items: LibraryItem[]; total: number; totalCapped: boolean; nextCursor: string | null };

const s = assetSearch;

/**
 * One page of the library for a query: the actor's visible assets that match, in the chosen order,
 * with keyset pagination (the cursor carries the last row's sort key; no OFFSET, so page 100 costs
 * what page 1 costs and nothing is skipped or repeated while assets are added).
 */
export async function searchLibrary({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<LibraryPage> {
  const { q, sort: asked, cursor, limit } = parseInput(searchInput, input);
  const matched = await matchCondition(ctx, q);
  // Relevance needs words to rank by; without them it is the newest first.
  const sort: LibrarySort = asked === "relevance" && !matched.tsquery ? "newest" : asked;
  const key = sortKey(sort, matched.tsquery);
  const after = cursor ? cursorCondition(sort, key, decodeCursor(cursor, sort)) : null;

  const rows = await queryRows<PageRow>(
    ctx.db,
    sql`
    with page as materialized (
      select ${s.assetId} as asset_id, ${s.title} as title, ${s.status} as status, ${s.tier} as tier, ${s.source} as source,
             ${s.campaign} as campaign, ${s.ownerId} as owner_id, ${s.createdAt} as created_at, ${s.approvedAt} as approved_at,
             ${s.width} as width, ${s.height} as height, ${s.tags} as tags, ${s.costMicros}::text as cost_micros,
             ${s.statusReason} as status_reason, ${s.rightsExpiresAt} as rights_expires_at, ${s.createdAt}::text as created_key, ${key.rank ?? sql`null::real`}::text as rank_key
      from ${s}
      where ${matched.where} ${after ? sql`and ${after}` : sql``}
      order by ${key.orderBy}
      limit ${limit + 1}
    )
    select p.*, u.name as owner_name, v.renditions, a.metadata,
           exists (select 1 from asset_stars st where st.asset_id = p.asset_id and st.user_id = ${ctx.actor.id}) as starred
    from page p
    join users u on u.id = p.owner_id
    join assets a on a.id = p.asset_id
    left join asset_versions v on v.id = a.current_version_id
    order by ${key.outerOrderBy}`,
  );
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  // A first page that is not full is the whole result: no second statement to count it.
  const total = !cursor && !more ? { count: rows.length, capped: false } : await countMatches(ctx.db, matched.where);
  return {
    items: pageRows.map(itemOf),
    total: total.count,
    totalCapped: total.capped,
    nextCursor: more && last ? encodeCursor(sort, last) : null,
  };
}

type PageRow = {
  asset_id: string;
  title: string;
  status: AssetStatus;
  tier: Tier | null;
  source: AssetSource;
  campaign: string | null;
  owner_name: string;
  created_at: string | Date;
  approved_at: string | Date | null;
  width: number | null;
  height: number | null;
  tags: string[] | string;
  cost_micros: string;
  status_reason: string | null;
  rights_expires_at: string | Date | null;
  created_key: string;
  rank_key: string | null;
  renditions: Record<string, Rendition> | string | null;
  metadata: Record<string, string> | string | null;
  starred: boolean;
};

function itemOf(r: PageRow): LibraryItem {
  const renditions = (typeof r.renditions === "string" ? JSON.parse(r.renditions) : (r.renditions ?? {})) as Record<
    string,
    Rendition
  >;
  return {
    id: r.asset_id,
    title: r.title,
    status: r.status,
    tier: r.tier,
    source: r.source,
    campaign: r.campaign,
    ownerName: r.owner_name,
    createdAt: new Date(r.created_at).toISOString(),
    approvedAt: r.approved_at ? new Date(r.approved_at).toISOString() : null,
    width: r.width,
    height: r.height,
    thumbUrl: renditions.thumb ? blobRouteUrl(renditions.thumb.key) : null,
    previewUrl: renditions.preview ? blobRouteUrl(renditions.preview.key) : null,
    starred: !!r.starred,
    tags: pgTextArray(r.tags),
    costMicros: Number(r.cost_micros),
    statusReason: r.status_reason,
    rightsExpiresAt: r.rights_expires_at ? new Date(r.rights_expires_at).toISOString() : null,
    metadata: (typeof r.metadata === "string" ? JSON.parse(r.metadata) : (r.metadata ?? {})) as Record<string, string>,
  };
}

/** postgres.js returns text[] as an array; be tolerant of the literal form too. */
function pgTextArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (!value || value === "{}") return [];
  return value
    .slice(1, -1)
    .split(",")
    .map((v) => v.replace(/^"(.*)"$/, "$1"));
}

// ---------------------------------------------------------------------------------------------

export type MatchCondition = { where: SQL; tsquery: string | null };

/**
 * Words → tsquery text is a pure function of the words (the 'english' configuration is fixed), so
 * it is remembered: paging, facets and the grid ask the same words again, and that saves them a
 * round trip. Oldest entries go first.
 */
const TSQUERY_CACHE = new Map<string, string | null>();
const TSQUERY_CACHE_SIZE = 1_000;

/**
 * The query as one condition on asset_search (visibility included). The full-text part is turned
 * into its tsquery text first: words that are all stop words ("the") drop out instead of matching
 * nothing, and the main query compares against a constant the planner can use with the GIN index.
 */
export async function matchCondition(ctx: Ctx, q: string): Promise<MatchCondition> {
  const parsed = parseLibraryQueryOrThrow(q);
  const compiled = compileLibraryQuery(ctx, parsed);
  let tsquery: string | null = null;
  if (compiled.text) {
    const key = JSON.stringify(
      parsed.terms.filter((t) => t.kind === "text").map((t) => [t.text, t.phrase, t.prefix, t.negated]),
    );
    const cached = TSQUERY_CACHE.get(key);
    if (cached !== undefined) tsquery = cached;
    else {
      const [row] = await queryRows<{ q: string }>(ctx.db, sql`select (${compiled.text})::text as q`);
      tsquery = row?.q ? row.q : null;
      if (TSQUERY_CACHE.size >= TSQUERY_CACHE_SIZE) TSQUERY_CACHE.delete(TSQUERY_CACHE.keys().next().value!);
      TSQUERY_CACHE.set(key, tsquery);
    }
  }
  const where = tsquery ? sql`${compiled.where} and ${s.document} @@ ${tsquery}::tsquery` : compiled.where;
  return { where, tsquery };
}

/** Exact up to COUNT_CAP; beyond, the cap, flagged. */
export async function countMatches(db: DbExecutor, where: SQL): Promise<{ count: number; capped: boolean }> {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${s} where ${where} limit ${COUNT_CAP + 1}) m`,
  );
  const n = Number(row?.n ?? 0);
  return n > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: n, capped: false };
}

type SortKey = { orderBy: SQL; outerOrderBy: SQL; rank: SQL | null };

function sortKey(sort: LibrarySort, tsquery: string | null): SortKey {
  switch (sort) {
    case "newest":
      return {
        orderBy: sql`${s.createdAt} desc, ${s.assetId} desc`,
        outerOrderBy: sql`p.created_at desc, p.asset_id desc`,
        rank: null,
      };
    case "oldest":
      return {
        orderBy: sql`${s.createdAt} asc, ${s.assetId} asc`,
        outerOrderBy: sql`p.created_at asc, p.asset_id asc`,
        rank: null,
      };
    case "cost":
      return {
        orderBy: sql`${s.costMicros} desc, ${s.createdAt} desc, ${s.assetId} desc`,
        outerOrderBy: sql`p.cost_micros::bigint desc, p.created_at desc, p.asset_id desc`,
        rank: null,
      };
    case "relevance": {
      const rank = sql`ts_rank(${s.document}, ${tsquery}::tsquery)`;
      return {
        orderBy: sql`${rank} desc, ${s.createdAt} desc, ${s.assetId} desc`,
        outerOrderBy: sql`p.rank_key::real desc, p.created_at desc, p.asset_id desc`,
        rank,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cursors: the last row's sort key, as PostgreSQL printed it (timestamps keep their microseconds,
// which a JS Date would lose — and then the next page would repeat or skip rows).

const cursorShape = z.object({
  s: z.enum(LIBRARY_SORTS),
  c: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)$/),
  i: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i),
  k: z
    .string()
    .regex(/^-?\d+$/)
    .optional(),
  r: z
    .string()
    .regex(/^-?[\d.]+(e-?\d+)?$/i)
    .optional(),
});
type Cursor = z.infer<typeof cursorShape>;

function encodeCursor(sort: LibrarySort, row: PageRow): string {
  const c: Cursor = { s: sort, c: row.created_key, i: row.asset_id };
  if (sort === "cost") c.k = row.cost_micros;
  if (sort === "relevance" && row.rank_key !== null) c.r = row.rank_key;
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(cursor: string, sort: LibrarySort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const result = cursorShape.safeParse(parsed);
  if (
    !result.success ||
    result.data.s !== sort ||
    (sort === "cost" && !result.data.k) ||
    (sort === "relevance" && !result.data.r)
  )
    throw new AppError("invalid_input", "This page link is out of date: start again from the first page.", {
      fields: { cursor: ["invalid cursor"] },
    });
  return result.data;
}

function cursorCondition(sort: LibrarySort, key: SortKey, c: Cursor): SQL {
  const at = sql`${c.c}::timestamptz`;
  const id = sql`${c.i}::uuid`;
  switch (sort) {
    case "newest":
      return sql`(${s.createdAt}, ${s.assetId}) < (${at}, ${id})`;
    case "oldest":
      return sql`(${s.createdAt}, ${s.assetId}) > (${at}, ${id})`;
    case "cost":
      return sql`(${s.costMicros}, ${s.createdAt}, ${s.assetId}) < (${c.k!}::bigint, ${at}, ${id})`;
    case "relevance":
      return sql`(${key.rank!}, ${s.createdAt}, ${s.assetId}) < (${c.r!}::real, ${at}, ${id})`;
  }
}

/** Raw rows on both drivers: postgres.js returns an array, PGlite `{ rows }`. */
export async function queryRows<T>(db: DbExecutor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
