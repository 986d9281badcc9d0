import { sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";

/** Assets per statement: keeps the id list well under PostgreSQL's 65,535 parameters and each statement short. */
const CHUNK = 2_000;

/**
 * Rewrites the asset_search rows of these assets from their current state (creation, checks,
 * review, notes, tags, titles, edits), in one INSERT … SELECT … ON CONFLICT per chunk: no row is
 * read into JS. Callers run it inside the transaction that changed the asset, so the read model
 * commits (or rolls back) with the change.
 */
export async function refreshAssetSearch(db: DbExecutor, assetIds: string[]): Promise<void> {
  const ids = [...new Set(assetIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    // Started before the first await (.execute()), so it can travel with other statements (db/together.ts).
    await db
      .execute(
        upsertAssetSearch(
          sql`a.id in (${sql.join(
            chunk.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
        ),
      )
      .execute();
  }
}

/**
 * Indexes the assets that have no asset_search row yet (an installation upgraded to the library,
 * or rows lost to a bug), a batch at a time; returns how many were indexed. Cheap when nothing is
 * missing: one anti-join over the primary keys.
 */
export async function indexMissingAssets(
  db: DbExecutor,
  { batchSize = 5_000 }: { batchSize?: number } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.execute(
      upsertAssetSearch(
        sql`a.id in (select m.id from assets m where not exists (select 1 from asset_search x where x.asset_id = m.id) limit ${batchSize})`,
      ),
    );
    const n = affectedRows(result);
    total += n;
    if (n < batchSize) return total;
  }
}

/** A designer moved to another team: their rows take the owner's current team (one indexed update, no rebuild). */
export async function refreshOwnerTeam(db: DbExecutor, ownerId: string): Promise<void> {
  await db.execute(
    sql`update asset_search set team_id = (select u.team_id from users u where u.id = ${ownerId}::uuid), indexed_at = now() where owner_id = ${ownerId}::uuid`,
  );
}

/** Rewrites every row (after a change to how the document is built); the benchmark builds its index with it. */
export async function reindexAllAssets(db: DbExecutor): Promise<number> {
  return affectedRows(await db.execute(upsertAssetSearch(sql`true`)));
}

function affectedRows(result: unknown): number {
  // postgres.js: an array with .count; PGlite: { affectedRows }.
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}

/**
 * The read model, as one statement over the assets `where` selects. Every part of it is a join
 * or a correlated subquery on an indexed key, so a single asset costs a handful of index probes
 * and a full rebuild is set-based.
 *
 *   title     the asset's title, else its generation's rendered title pattern, else the upload's filename
 *   loras     the names in the preset version's loras jsonb
 *   reviewers whoever decided on the asset (decisions not undone)
 *   checks    the newest check run of the current version: its verdict, and the reason codes of its
 *             failing/warning results; the status reason's codes (a reviewer's reject reason, or the
 *             checks' "blur, nsfw") are added so `reason:` and `rejected:` hit one GIN-indexed array
 *   cost      what it took to get this image: the ledger rows of its lineage up to its own re-roll
 *             depth (its calls, retries, the rejected attempts before it and their edits), plus
 *             ledger rows naming the asset without a generation (edits of an uploaded asset)
 *   document  A: title (also split at . _ - /) · B: prompt, template variable values, carried CSV columns (keys and values),
 *             campaign, batch name, tags, upload filename · C: alt text, usage notes, rights licence,
 *             review reasons/comments, check reasons
 *   identity  title, carried CSV column values, batch name, upload filename as plain text, for the
 *             trigram index behind fragment terms (`*0042`, `KLN-004*`)
 */
/**
 * The same text with . _ - / as spaces: PostgreSQL's parser keeps "moodboard-autumn.png" as one file
 * token and "KLN-0042" as "kln" + "-0042", so the split copy lets "moodboard" and "0042" find them.
 */
const splitWords = (text: SQL) => sql`translate(${text}, '._-/', '    ')`;

function upsertAssetSearch(where: SQL): SQL {
  return sql`
    insert into asset_search as s (
      asset_id, owner_id, team_id, status, source, tier, title, campaign, batch_id,
      preset_id, preset_version_id, template_id, template_version_id, provider_id, model, loras,
      reviewer_ids, check_verdict, check_reasons, status_reason, tags, cost_micros, width, height,
      created_at, approved_at, alt_text_status, rights_expires_at, document, identity, indexed_at
    )
    select
      a.id, a.owner_id, u.team_id, a.status, a.source, a.tier, x.title, b.campaign, a.batch_id,
      pv.preset_id, a.preset_version_id, tv.template_id, g.template_version_id, pv.provider_id, pv.model,
      coalesce((select array_agg(distinct l.name order by l.name) from jsonb_to_recordset(pv.loras) as l(name text) where l.name <> ''), '{}'::text[]),
      coalesce(rd.reviewer_ids, '{}'::uuid[]),
      cr.verdict,
      coalesce((
        select array_agg(distinct trim(code) order by trim(code)) from unnest(coalesce(ck.codes, '{}'::text[]) || string_to_array(a.status_reason, ',')) code
         where trim(code) <> ''
      ), '{}'::text[]),
      a.status_reason,
      x.tags,
      coalesce((
        select sum(l.micros) from cost_ledger l join generations lg on lg.id = l.generation_id
         where l.lineage_root_id = coalesce(g.lineage_root_id, g.id) and lg.reroll_depth <= g.reroll_depth
      ), 0)
      + coalesce((select sum(l.micros) from cost_ledger l where l.asset_id = a.id and l.generation_id is null), 0),
      v.width, v.height, a.created_at, a.approved_at, a.alt_text_status, a.rights_expires_at,
      setweight(to_tsvector('english', concat_ws(' ', x.title, ${splitWords(sql`x.title`)})), 'A')
      || setweight(to_tsvector('english', concat_ws(' ',
           g.prompt,
           (select string_agg(e.value, ' ') from jsonb_each_text(coalesce(g.values, '{}'::jsonb)) e),
           (select string_agg(concat_ws(' ', e.key, e.value, ${splitWords(sql`e.value`)}), ' ')
              from jsonb_each_text(coalesce(g.carried_columns, '{}'::jsonb) || a.metadata) e),
           b.campaign, b.name, array_to_string(x.tags, ' '), ${splitWords(sql`up.filename`)})), 'B')
      || setweight(to_tsvector('english', concat_ws(' ', a.alt_text, a.usage_notes, a.rights_licence, rd.text, replace(a.status_reason, '_', ' '), ck.text)), 'C'),
      -- identity: the trigram-indexed text fragments match (migration 0016 backfilled old rows the same way)
      concat_ws(' ', x.title, (select string_agg(e.value, ' ') from jsonb_each_text(coalesce(g.carried_columns, '{}'::jsonb) || a.metadata) e), b.name, up.filename),
      now()
    from assets a
    join users u on u.id = a.owner_id
    left join generations g on g.id = a.generation_id
    left join batches b on b.id = a.batch_id
    left join preset_versions pv on pv.id = a.preset_version_id
    left join template_versions tv on tv.id = g.template_version_id
    left join uploads up on up.id = a.upload_id
    left join asset_versions v on v.id = a.current_version_id
    left join lateral (
      select c.id, c.verdict from check_runs c where c.asset_version_id = a.current_version_id order by c.created_at desc limit 1
    ) cr on true
    -- Each lateral below reads its rows once for both the facet and the text ("offset 0" keeps the
    -- planner from inlining it into every reference, which would read them twice).
    left join lateral (
      select array_agg(r.reason_code) filter (where r.reason_code is not null) as codes,
             string_agg(concat_ws(' ', r.reason_code, r.check_id), ' ') as text
        from check_results r where r.check_run_id = cr.id and r.verdict in ('fail', 'warn') offset 0
    ) ck on true
    left join lateral (
      select array_agg(distinct d.reviewer_id) as reviewer_ids, string_agg(concat_ws(' ', d.reason_code, rr.label, d.comment), ' ') as text
        from review_decisions d left join reject_reasons rr on rr.code = d.reason_code
       where d.asset_id = a.id and d.undone_at is null offset 0
    ) rd on true
    cross join lateral (
      select coalesce(nullif(a.title, ''), nullif(g.title, ''), up.filename, '') as title,
             coalesce((select array_agg(t.name order by t.name) from asset_tags at join tags t on t.id = at.tag_id where at.asset_id = a.id), '{}'::text[]) as tags
      offset 0
    ) x
    where ${where}
    on conflict (asset_id) do update set
      owner_id = excluded.owner_id, team_id = excluded.team_id, status = excluded.status, source = excluded.source,
      tier = excluded.tier, title = excluded.title, campaign = excluded.campaign, batch_id = excluded.batch_id,
      preset_id = excluded.preset_id, preset_version_id = excluded.preset_version_id, template_id = excluded.template_id,
      template_version_id = excluded.template_version_id, provider_id = excluded.provider_id, model = excluded.model,
      loras = excluded.loras, reviewer_ids = excluded.reviewer_ids, check_verdict = excluded.check_verdict,
      check_reasons = excluded.check_reasons, status_reason = excluded.status_reason, tags = excluded.tags,
      cost_micros = excluded.cost_micros, width = excluded.width, height = excluded.height,
      created_at = excluded.created_at, approved_at = excluded.approved_at, alt_text_status = excluded.alt_text_status,
      rights_expires_at = excluded.rights_expires_at, document = excluded.document, identity = excluded.identity,
      indexed_at = excluded.indexed_at`;
}
