/**
 * bench:review — how fast a reviewer works through a 10,000-asset review queue: a decision with its
 * audit row, then the next asset loaded the way the review page loads it, and how many audited
 * writes per second one and four reviewers achieve.
 *
 * Data: in-memory PGlite, and PostgreSQL (a scratch database kiln_bench_review_<pid> on DATABASE_URL,
 * dropped at the end). Each is seeded with --assets assets in review plus as many already decided
 * (the history a working installation has), set-based (INSERT … SELECT generate_series, as
 * bench/library.ts): batches in twelve campaigns, generations with prompts and carried columns,
 * asset versions with renditions, a decided check run per version with six check results (a fifth
 * warn), a ledger row per generation, a stop-loss budget per campaign (evaluated on every decision);
 * a quarter of the queue is hero tier (approvalsNeeded = 2) and a third of those already carry one
 * approval. asset_search is built with the production statement (lib/library/refresh.ts), since a
 * decision rewrites the asset's row in it.
 *
 * Measured with the product's own functions, as a logged-in reviewer (the route's session check is
 * not included):
 *   decision  decideAsset (lib/review/decide.ts): the locked asset, the rules, the decision row, the
 *             asset, asset_search, stop-loss, the designer's notification, the chained audit row,
 *             then the webhook and alt-text hooks. Reviewers' mix: 65 % approve, 5 % approve with
 *             changes, 15 % request changes, 15 % reject with a reason from the seeded list.
 *   next      what the review page does after a decision (components/review/review-workspace.tsx): it
 *             opens the list's next asset at once (getReviewDetail, GET /api/review/assets/:id, and
 *             getAltTextView, in parallel as the browser asks) while GET /api/review/next (nextReviewItem, one statement) names the asset
 *             after the decided one; when that is another asset (the list was stale), its detail and
 *             alt text follow, inside the clock. The clock stops when the asset shown has all three.
 *             The 200-row list (listReviewQueue) is no longer refetched after every decision: the page
 *             refetches it when fewer than 20 loaded assets are left (the queue holding more) or its
 *             15-second interval comes due, and then the bench starts it together with the next
 *             asset's requests (competing with them) without waiting for it inside the clock, as the
 *             page does not; its times are printed apart. (Until 2026-12-05 the page refetched the list
 *             after every decision and this measurement included it: 268 ms PGlite, 222 ms PostgreSQL;
 *             that old path is still read once per measured decision, for the same asset, between
 *             decisions, and printed beside it as old_next, so one run compares both on one machine;
 *             it reads the whole asset page's getAssetDetail, as the page did until 2026-12-05.)
 * The first --decisions/2 decisions (the oldest part of the queue) calibrate: query plans, caches,
 * V8's compiled code; the next --decisions are measured. Targets: decision p95 < 50 ms and next p95
 * < 50 ms on each database; the run exits 1 when one is missed (2 when it fails). The last line is
 * key=value: decision_p95_ms and next_p95_ms are the worst database's, audited_writes_per_s(_4) the
 * slowest's, then each database's own figures (pglite_…, postgres_…).
 *
 * Throughput: reviewers deciding back to back on the slices they claimed (claimSlice, 20 at a time,
 * then the queue refetch that shows their claims), one reviewer and four at once, --decisions each.
 * audited writes/s = audit_events rows written (decisions and claims) ÷ wall time. Every audited
 * write takes the chain's advisory lock, so writers queue there. Four reviewers must not collide: a
 * decision refused as a conflict fails the run. Two claims at the same moment pick the same oldest
 * assets and the later one comes back empty (claimSlice's insert loses quietly); the reviewer claims
 * again, and the table counts those empty claims.
 *
 * Floors, in the same run on the same database, on assets at the newest end of the queue (the
 * measured ones are at the oldest):
 *   decision  one transaction with a decision's writes and nothing else: lock the asset, insert the
 *             decision row, update the asset, insert a hashed audit row into a plain copy of
 *             audit_events (no chain lock, no head read). What any decision must cost on this
 *             database; the product's rules, read model, notification and chain are the difference.
 *   next      the page's 200 oldest in-review assets with their current versions, straight from the
 *             (status, entered_review_at) index: reading a queue page at all, without the reviewer's
 *             exclusions, the total, the badges or the asset's detail (the floor of the old path, a
 *             list refetch; kept so runs compare).
 *
 * Usage: tsx bench/review.ts [--assets 10000] [--decisions 400] [--db pglite,postgres]
 *        (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
// A deterministic pseudo-random stream (the simulator's mulberry32), so every run is the same.
import { prng as rng } from "../simulator/hash";

const USAGE = "usage: tsx bench/review.ts [--assets N] [--decisions N] [--db pglite,postgres]";
/** A run that cannot start still ends with its result line. */
function refuse(message: string): never {
  console.error(message);
  console.log(
    "decision_p95_ms=NaN next_p95_ms=NaN audited_writes_per_s=NaN audited_writes_per_s_4=NaN db=none targets=error",
  );
  process.exit(2);
}
let parsed: ReturnType<
  typeof parseArgs<{
    options: { assets: { type: "string" }; decisions: { type: "string" }; db: { type: "string" } };
    strict: true;
  }>
>;
try {
  parsed = parseArgs({
    options: { assets: { type: "string" }, decisions: { type: "string" }, db: { type: "string" } },
    strict: true,
  });
} catch (error) {
  refuse(`${(error as Error).message}\n${USAGE}`);
}
const args = parsed.values;
const N = Number(args.assets ?? 10_000);
const D = Number(args.decisions ?? 400);
const CALIBRATION = Math.max(10, Math.floor(D / 2));
const DATABASES = (args.db ?? "pglite,postgres").split(",").map((s) => s.trim());
const TARGET_MS = 50;
const PER_BATCH = 50;
const CLAIM_SIZE = 20;
if (!(N > 0 && D > 0) || DATABASES.some((d) => d !== "pglite" && d !== "postgres")) refuse(USAGE);
// Calibration, measurement and two throughput phases eat the queue from its oldest end, the floor from its newest.
if (CALIBRATION + 4 * D + 10 > N)
  refuse(
    `--assets ${N} is too small for --decisions ${D}: the phases need ${CALIBRATION + 4 * D + 10} assets in review`,
  );

// Secrets and blobs go to a throw-away folder, not the app's; the bench opens its own databases.
const scratch = mkdtempSync(path.join(tmpdir(), "kiln-bench-review-"));
process.env.KILN_DATA_DIR = scratch;
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
delete process.env.DATABASE_URL;

const { default: postgres } = await import("postgres");
const { sql } = await import("drizzle-orm");
const { openDatabase } = await import("../db/client");
const schema = await import("../db/schema");
const { seedCatalog } = await import("../lib/catalog/seed-catalog");
const { createUserFactory, ctxFor } = await import("../test/factories");
const { indexMissingAssets } = await import("../lib/library/refresh");
const { queryRows } = await import("../lib/library/search");
const { decideAsset } = await import("../lib/review/decide");
const { listReviewQueue, nextReviewItem, claimSlice } = await import("../lib/review/queue");
const { SEED_REJECT_REASONS } = await import("../lib/review/reasons");
const { getAssetDetail } = await import("../lib/assets/asset-detail");
const { getReviewDetail } = await import("../lib/review/review-detail");
const { getAltTextView } = await import("../lib/alt-text/view");
const { AppError } = await import("../lib/errors");
const { GENESIS_HASH, hashAuditEvent } = await import("../lib/audit/hash");
type Database = import("../db").Database;
type Db = import("../db").Db;
type Ctx = import("../lib/auth/context").Ctx;
type QueueItem = import("../lib/review/queue").QueueItem;
type SQL = import("drizzle-orm").SQL;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((xs.length * p) / 100) - 1)] ?? NaN;
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : "NaN");
const int = (n: number) => Math.round(n).toLocaleString("en-US");

const textArray = (xs: string[]) =>
  sql`array[${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )}]::text[]`;
const uuidArray = (xs: string[]) => sql.raw(`'{${xs.join(",")}}'::uuid[]`);

// ---------------------------------------------------------------------------------------------
// The queue.

const PRODUCTS = [
  "trail runner",
  "leather boot",
  "ceramic mug",
  "linen shirt",
  "wool scarf",
  "glass vase",
  "copper kettle",
  "canvas tote",
  "denim jacket",
  "desk lamp",
  "water bottle",
  "yoga mat",
];
const ADJECTIVES = [
  "red",
  "navy",
  "olive",
  "matte black",
  "pastel",
  "golden",
  "weathered",
  "minimal",
  "vintage",
  "glossy",
];
const SCENES = [
  "on wet granite at dawn",
  "on a marble countertop",
  "in a sunlit kitchen",
  "on a wooden table",
  "in a snowy forest",
  "on a city rooftop",
  "in a minimalist studio",
];
const CAMPAIGNS = [
  "Spring 26",
  "Summer 26",
  "Autumn 26",
  "Holiday 26",
  "Back to School 26",
  "Black Friday 26",
  "Valentine 27",
  "Easter 27",
  "Always-on 1",
  "Always-on 2",
  "Always-on 3",
  "Always-on 4",
];
const CHANGES = [
  "crop tighter on the product",
  "logo is too small",
  "background too busy",
  "colour does not match the swatch",
];
const CHECKS = ["size", "blank", "sharpness", "exposure", "nsfw", "text"];
const REASONS = SEED_REJECT_REASONS.map((r) => r.code);

type World = {
  reviewers: Ctx[];
  queued: number;
  decided: number;
  searchRows: number;
  heroes: number;
  withOneApproval: number;
  seedMs: number;
};

async function seed(db: Db): Promise<World> {
  const t0 = performance.now();
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const [simulator] = await db.select().from(schema.providers).limit(1);
  const presetRows = await db.select().from(schema.presets);
  const pv = (tier: string) => presetRows.find((p) => p.tier === tier)!.activeVersionId!;
  const [template] = await db.select().from(schema.templates).limit(1);
  const designers: string[] = [];
  for (let i = 0; i < 20; i++)
    designers.push((await createUserFactory(db, { role: "designer", name: `Designer ${i + 1}` })).id);
  const reviewerUsers = [];
  for (const name of ["Rita", "Ben", "Cleo", "Dev", "Eve", "Finn"])
    reviewerUsers.push(await createUserFactory(db, { role: "reviewer", name: `${name} Reviewer` }));
  const reviewerIds = reviewerUsers.map((u) => u.id);
  const total = 2 * N;
  const NB = Math.ceil(total / PER_BATCH);
  const k = sql.raw(`(1 + (i - 1) / ${PER_BATCH})`);
  // Queue asset i (1..N) entered review 25 s after asset i-1, the newest just now (the oldest ~3 days
  // ago at 10,000, past the SLA); history asset i (N+1..2N) before that, a minute apart.
  const at = (i: SQL) =>
    sql`(case when ${i} <= ${N}::int then now() - (${N}::int - ${i} + 1) * interval '25 seconds' else now() - interval '4 days' - (${total}::int - ${i}) * interval '1 minute' end)`;
  const steps: [string, SQL][] = [
    ["replica mode", sql`set local session_replication_role = replica`],
    // Ids derived from a key, so each statement finds the rows of the one before without a join; with
    // the version and variant bits of a v4 uuid, since the product's inputs accept nothing else.
    [
      "id function",
      sql.raw(
        `create function bench_uuid(key text) returns uuid language sql immutable as $$ select overlay(overlay(md5(key) placing '4' from 13) placing '8' from 17)::uuid $$`,
      ),
    ],
    [
      "batches",
      sql`insert into batches (id, owner_id, idempotency_key, name, campaign, template_version_id, source, status, total, estimate_micros, estimate_seconds, settings, created_at)
        select bench_uuid('rb' || k), (${uuidArray(designers)})[1 + k % 20], 'bench-review-' || k, 'Review batch ' || k,
               (${textArray(CAMPAIGNS)})[1 + k % ${CAMPAIGNS.length}::int], ${template!.activeVersionId!}::uuid, 'csv', 'completed', ${PER_BATCH}::int, 0, 0,
               '{"variantsPerRow":1,"aspectRatios":[]}'::jsonb, ${at(sql.raw(`((k - 1) * ${PER_BATCH} + 1)`))} - interval '5 minutes'
        from generate_series(1, ${NB}::int) k`,
    ],
    [
      "generations",
      sql`insert into generations (id, batch_id, owner_id, row_line, variant_index, tier, preset_version_id, template_version_id, values, carried_columns, title,
                                   prompt, negative_prompt, seed, width, height, status, blob_key, created_at, finished_at)
        select bench_uuid('rg' || i), bench_uuid('rb' || ${k}), (${uuidArray(designers)})[1 + ${k} % 20], 2 + (i - 1) % ${PER_BATCH}::int, 0,
               t.tier::tier, case when t.tier = 'hero' then ${pv("hero")}::uuid else ${pv("support")}::uuid end, ${template!.activeVersionId!}::uuid,
               jsonb_build_object('product', w.product, 'colour', w.adj), jsonb_build_object('SKU', w.sku, 'category', 'catalogue'),
               initcap(w.adj || ' ' || w.product) || ' ' || w.sku,
               w.adj || ' ' || w.product || ' ' || w.scene || ', product photography, soft shadows', 'blurry, watermark', i,
               1024, 1024, 'succeeded', 'generations/' || bench_uuid('rg' || i) || '/original.png',
               ${at(sql.raw("i"))} - interval '1 minute', ${at(sql.raw("i"))} - interval '20 seconds'
        from generate_series(1, ${total}::int) i
        cross join lateral (select case when abs(hashint4(i)) % 100 < 25 then 'hero' else 'support' end as tier) t
        cross join lateral (select
               (${textArray(PRODUCTS)})[1 + abs(hashint4(i + 1)) % ${PRODUCTS.length}::int] as product,
               (${textArray(ADJECTIVES)})[1 + abs(hashint4(i + 2)) % ${ADJECTIVES.length}::int] as adj,
               (${textArray(SCENES)})[1 + abs(hashint4(i + 3)) % ${SCENES.length}::int] as scene,
               'KLN-' || lpad((abs(hashint4(i + 4)) % 10000)::text, 4, '0') as sku) w`,
    ],
    [
      "assets",
      sql`insert into assets (id, generation_id, batch_id, owner_id, tier, preset_version_id, title, metadata, status, status_reason, current_version_id,
                              entered_review_at, approval_id, approved_at, rejected_at, usage_notes, created_at, updated_at)
        select bench_uuid('ra' || i), g.id, g.batch_id, g.owner_id, g.tier, g.preset_version_id, g.title, g.carried_columns,
               st.status::asset_status, st.reason, bench_uuid('rv' || i), g.finished_at + interval '20 seconds',
               case when st.status = 'approved' then 'KA-' || upper(substr(md5('ka' || i), 1, 8)) end,
               case when st.status = 'approved' then g.finished_at + interval '3 hours' end,
               case when st.status = 'rejected' then g.finished_at + interval '3 hours' end,
               case when i % 17 = 0 then 'Reference licensed from Northwind stock, web use only' end,
               g.created_at, case when st.status = 'in_review' then g.finished_at + interval '20 seconds' else g.finished_at + interval '3 hours' end
        from generate_series(1, ${total}::int) i
        join generations g on g.id = bench_uuid('rg' || i)
        cross join lateral (select abs(hashint4(i + 5)) % 100 as h) hh
        cross join lateral (select
               case when i <= ${N}::int then 'in_review' when hh.h < 75 then 'approved' when hh.h < 90 then 'rejected' else 'changes_requested' end as status,
               case when i <= ${N}::int then null when hh.h between 75 and 89 then (${textArray(REASONS)})[1 + i % ${REASONS.length}::int]
                    when hh.h >= 90 then 'changes_requested' end as reason) st`,
    ],
    [
      "versions",
      sql`insert into asset_versions (id, asset_id, number, operation, blob_key, width, height, renditions, created_at)
        select bench_uuid('rv' || i), bench_uuid('ra' || i), 1, 'generate', g.blob_key, g.width, g.height,
               jsonb_build_object('thumb', jsonb_build_object('key', 'generations/' || g.id || '/thumb.webp', 'width', 256, 'height', 256, 'bytes', 9000, 'contentType', 'image/webp'),
                                  'preview', jsonb_build_object('key', 'generations/' || g.id || '/preview.webp', 'width', 1024, 'height', 1024, 'bytes', 90000, 'contentType', 'image/webp')),
               g.finished_at
        from generate_series(1, ${total}::int) i join generations g on g.id = bench_uuid('rg' || i)`,
    ],
    [
      "check runs",
      sql`insert into check_runs (id, asset_version_id, trigger, thresholds, status, verdict, reason_code, created_at, decided_at)
        select bench_uuid('rr' || i), bench_uuid('rv' || i), 'generated', '{}'::jsonb, 'decided',
               case when abs(hashint4(i + 6)) % 100 < 20 then 'warn' else 'pass' end::check_verdict,
               case when abs(hashint4(i + 6)) % 100 < 20 then 'text_detected' end,
               ${at(sql.raw("i"))} - interval '15 seconds', ${at(sql.raw("i"))}
        from generate_series(1, ${total}::int) i`,
    ],
    [
      "check results",
      sql`insert into check_results (check_run_id, check_id, check_version, score, threshold, verdict, reason_code, detail, duration_ms, created_at)
        select r.id, c.check_id, 1, (50 + abs(hashint4(i * 7 + c.n::int)) % 50) / 100.0, 0.5,
               case when r.verdict = 'warn' and c.check_id = 'text' then 'warn' else 'pass' end::check_verdict,
               case when r.verdict = 'warn' and c.check_id = 'text' then 'text_detected' end,
               case when r.verdict = 'warn' and c.check_id = 'text' then 'legible text found' else 'within threshold' end,
               5 + c.n::int * 20, r.created_at
        from generate_series(1, ${total}::int) i join check_runs r on r.id = bench_uuid('rr' || i)
        cross join unnest(${textArray(CHECKS)}) with ordinality c(check_id, n)`,
    ],
    [
      // The history: one decision per decided asset, two approvals on an approved hero.
      "decisions (history)",
      sql`insert into review_decisions (asset_id, asset_version_id, reviewer_id, decision, reason_code, comment, approval_id, created_at)
        select a.id, a.current_version_id, (${uuidArray(reviewerIds)})[1 + (i + j) % 6],
               case a.status when 'approved' then 'approve' when 'rejected' then 'reject' else 'request_changes' end::review_decision,
               case when a.status = 'rejected' then a.status_reason end,
               case when a.status = 'changes_requested' then (${textArray(CHANGES)})[1 + i % 4] when a.status = 'rejected' then 'does not match the brief' end,
               case when a.status = 'approved' and j = (case when a.tier = 'hero' then 1 else 0 end) then a.approval_id end,
               a.updated_at - (1 - j) * interval '10 minutes'
        from generate_series(${N + 1}::int, ${total}::int) i join assets a on a.id = bench_uuid('ra' || i)
        cross join generate_series(0, 1) j
        where j = 0 or (a.status = 'approved' and a.tier = 'hero')`,
    ],
    [
      // A third of the heroes in review have their first approval (Finn's; every seventh Rita's, so
      // her queue skips those), the second reviewer's approval completes them.
      "first approvals (queue)",
      sql`insert into review_decisions (asset_id, asset_version_id, reviewer_id, decision, created_at)
        select a.id, a.current_version_id, case when i % 7 = 0 then ${reviewerIds[0]!}::uuid else ${reviewerIds[5]!}::uuid end, 'approve',
               least(now(), a.entered_review_at + interval '5 minutes')
        from generate_series(1, ${N}::int) i join assets a on a.id = bench_uuid('ra' || i)
        where a.tier = 'hero' and abs(hashint4(i + 9)) % 3 = 0`,
    ],
    [
      "ledger",
      sql`insert into cost_ledger (call_key, generation_id, provider_id, preset_version_id, user_id, operation, outcome, billable, micros, purpose, batch_id, lineage_root_id, created_at)
        select g.id || ':1', g.id, ${simulator!.id}::uuid, g.preset_version_id, g.owner_id, 'generate', 'succeeded', true,
               (case g.tier when 'hero' then 120000 else 20000 end) + (abs(hashint4(g.seed)) % 50) * 1000, 'first_attempt', g.batch_id, g.id, g.created_at
        from generations g`,
    ],
  ];
  let searchRows = 0;
  await db.transaction(async (tx) => {
    for (const [, statement] of steps) await tx.execute(statement);
    // The read model, with the production statement: a decision rewrites the asset's row in it.
    for (;;) {
      const n = await indexMissingAssets(tx, { batchSize: 25_000 });
      searchRows += n;
      if (n === 0 || searchRows >= total) break;
    }
    await tx.execute(sql`drop function bench_uuid(text)`);
    await tx.execute(sql`set local session_replication_role = origin`);
  });
  // A stop-loss rule on every campaign (never reached at a 15 % reject rate): each decision evaluates it.
  await db.insert(schema.budgets).values(
    CAMPAIGNS.map((campaign) => ({
      scope: "campaign" as const,
      scopeKey: campaign,
      period: "month" as const,
      limitMicros: 10_000_000_000,
      stopLossRejectPercent: 60,
      stopLossWindow: 20,
    })),
  );
  await db.execute(sql`analyze`);
  const [counts] = await queryRows<{ queued: number; decided: number; heroes: number; one: number }>(
    db,
    sql`select count(*) filter (where status = 'in_review')::int as queued, count(*) filter (where status <> 'in_review')::int as decided,
               count(*) filter (where status = 'in_review' and tier = 'hero')::int as heroes,
               (select count(*) from review_decisions d join assets x on x.id = d.asset_id where x.status = 'in_review')::int as one
        from assets`,
  );
  return {
    reviewers: reviewerUsers.map((u) => ctxFor(db, u)),
    queued: counts!.queued,
    decided: counts!.decided,
    heroes: counts!.heroes,
    withOneApproval: counts!.one,
    searchRows,
    seedMs: performance.now() - t0,
  };
}

// ---------------------------------------------------------------------------------------------
// Reviewers at work.

type Choice = {
  decision: "approve" | "approve_with_changes" | "request_changes" | "reject";
  reasonCode?: string;
  comment?: string;
};

/** The reviewers' mix; deterministic. */
function chooser(seed: number): () => Choice {
  const r = rng(seed);
  return () => {
    const x = r();
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
    if (x < 0.65) return { decision: "approve" };
    if (x < 0.7) return { decision: "approve_with_changes", comment: pick(CHANGES) };
    if (x < 0.85) return { decision: "request_changes", comment: pick(CHANGES) };
    return {
      decision: "reject",
      reasonCode: pick(REASONS),
      ...(r() < 0.3 ? { comment: "does not match the brief" } : {}),
    };
  };
}

const decide = (ctx: Ctx, item: QueueItem, choice: Choice) =>
  decideAsset({ ctx, input: { assetId: item.assetId, assetVersionId: item.versionId, ...choice } });

/**
 * When each of the page's requests answered, from the start of loadNext: the next-asset read, the
 * detail and the alt text (of the list's guess, and again of the server's answer when it differs),
 * and the list refresh when one ran beside them (not part of the next clock).
 */
type Parts = {
  next: number[];
  detail: number[];
  altText: number[];
  queue: number[];
  misses: number;
  refreshes: number;
  oldPath: number[];
};

/** The page's list refresh rules (components/review/review-workspace.tsx and use-review.ts). */
const LOW_WATER = 20;
const REFRESH_INTERVAL_MS = 15_000;

/** What the review page holds between decisions: the list it loaded (minus decided assets) and when it loaded it. */
type PageState = { items: QueueItem[]; total: number; loaded: number; loadedAt: number };

async function loadQueue(ctx: Ctx): Promise<PageState> {
  const q = await listReviewQueue({ ctx, input: {} });
  return { items: q.items, total: q.total, loaded: q.items.length, loadedAt: performance.now() };
}

/** Queue order (lib/review/queue.ts): entered review ascending, no time last, then id. */
const beforeKey = (a: QueueItem["queueKey"], b: QueueItem["queueKey"]) =>
  a.at !== b.at ? (a.at === null ? false : b.at === null ? true : a.at < b.at) : a.id < b.id;

/**
 * After a decision on `decided`, as the review page does it: the decided asset leaves the list; the
 * page opens the list's next asset at once (its detail and alt text) while it asks the server for the
 * asset after the decided one (nextReviewItem, GET /api/review/next); when the server names another
 * asset (the list was stale), that asset's detail and alt text follow. The next clock stops when the
 * asset finally shown has its item, detail and alt text. The 200-row list is refetched only when the
 * page would: fewer than LOW_WATER loaded assets left while the queue holds more, or its 15-second
 * interval came due; that refetch starts together with the next asset's requests (it competes with
 * them for the database) but the page does not wait for it, so it is timed apart (parts.queue) and
 * awaited before the next decision. The page's pause refresh (3 s without a decision) never comes
 * due when decisions run back to back.
 */
async function loadNext(
  ctx: Ctx,
  page: PageState,
  decided: QueueItem,
  parts?: Parts,
): Promise<{ shown: QueueItem | null; nextMs: number; refresh: Promise<PageState> | null }> {
  const t0 = performance.now();
  const at = page.items.findIndex((i) => i.assetId === decided.assetId);
  const guess = page.items[at + 1] ?? page.items[at - 1] ?? null;
  page.items = page.items.filter((i) => i.assetId !== decided.assetId);
  const due = (page.total > page.loaded && page.items.length < LOW_WATER) || t0 - page.loadedAt >= REFRESH_INTERVAL_MS;
  const refresh = due ? loadQueue(ctx).then((s) => (parts?.queue.push(performance.now() - t0), s)) : null;
  if (refresh && parts) parts.refreshes += 1;
  const timed = <T>(p: Promise<T>, into?: number[]) => p.then((v) => (into?.push(performance.now() - t0), v));
  const open = (item: QueueItem | null) =>
    item
      ? [
          timed(getReviewDetail({ ctx, assetId: item.assetId }), parts?.detail),
          timed(getAltTextView({ ctx, assetId: item.assetId }), parts?.altText),
        ]
      : [];
  const [next] = await settleAll([
    timed(
      nextReviewItem({
        ctx,
        input: { ...(decided.queueKey.at ? { afterAt: decided.queueKey.at } : {}), afterId: decided.queueKey.id },
      }),
      parts?.next,
    ),
    ...open(guess),
  ] as [Promise<QueueItem | null>, ...Promise<unknown>[]]);
  // Nothing after the decided asset: the page keeps the one before it, if any.
  const shown = next ?? (guess && !beforeKey(decided.queueKey, guess.queueKey) ? guess : null);
  if (shown?.assetId !== guess?.assetId) {
    if (parts) parts.misses += 1;
    await settleAll(open(shown));
  }
  const nextMs = performance.now() - t0;
  if (next) {
    const i = page.items.findIndex((x) => x.assetId === next.assetId);
    if (i >= 0) page.items[i] = next;
    else {
      const j = page.items.findIndex((x) => beforeKey(next.queueKey, x.queueKey));
      page.items.splice(j < 0 ? page.items.length : j, 0, next);
    }
  }
  return { shown, nextMs, refresh };
}

/**
 * Promise.all that waits for every promise before rejecting: nothing may still be querying when a
 * failure closes the database (or it would print "PGlite is closed" after the result line).
 */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

type Outcomes = Record<string, number>;

/** One reviewer on the page: decide the asset shown, load the next, `count` times; returns the times. */
async function review(ctx: Ctx, count: number, choose: () => Choice, outcomes: Outcomes) {
  const decisionMs: number[] = [];
  const nextMs: number[] = [];
  const parts: Parts = { next: [], detail: [], altText: [], queue: [], misses: 0, refreshes: 0, oldPath: [] };
  // The page opens: the list, then the first asset's detail and alt text.
  let page = await loadQueue(ctx);
  let current: QueueItem | null = page.items[0] ?? null;
  if (current)
    await settleAll([
      getReviewDetail({ ctx, assetId: current.assetId }),
      getAltTextView({ ctx, assetId: current.assetId }),
    ]);
  for (let n = 0; n < count; n++) {
    if (!current) throw new Error("the queue ran dry");
    const choice = choose();
    const t0 = performance.now();
    const out = await decide(ctx, current, choice);
    const t1 = performance.now();
    const loaded = await loadNext(ctx, page, current, parts);
    decisionMs.push(t1 - t0);
    nextMs.push(loaded.nextMs);
    const key = out.status === "in_review" ? `approved ${out.approvals} of ${out.approvalsNeeded}` : out.status;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (loaded.shown?.assetId === current.assetId)
      throw new Error(`asset ${current.assetId} is still the reviewer's next asset after the decision`);
    if (loaded.refresh) {
      page = await loaded.refresh;
      if (page.items.some((i) => i.assetId === current!.assetId))
        throw new Error(`asset ${current.assetId} is still in the reviewer's queue after the decision`);
    }
    // For comparison in the same conditions: the page's old path for the same asset (the 200-row list
    // refetch with its detail and alt text, in parallel), read-only, between two measured decisions.
    if (loaded.shown) {
      const shown = loaded.shown;
      const t = performance.now();
      await settleAll([
        listReviewQueue({ ctx, input: {} }),
        getAssetDetail({ ctx, assetId: shown.assetId }),
        getAltTextView({ ctx, assetId: shown.assetId }),
      ]);
      parts.oldPath.push(performance.now() - t);
    }
    current =
      loaded.shown && page.items.some((i) => i.assetId === loaded.shown!.assetId)
        ? loaded.shown
        : (page.items[0] ?? loaded.shown);
  }
  return { decisionMs, nextMs, parts };
}

async function auditCount(db: Db) {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_events`);
  return row!.n;
}

type Throughput = {
  reviewers: number;
  decisions: number;
  auditRows: number;
  seconds: number;
  conflicts: number;
  emptyClaims: number;
  decisionMs: number[];
};

/** Reviewers deciding back to back on the slices they claimed, `total` decisions between them. */
async function throughput(db: Db, reviewers: Ctx[], total: number, seed: number): Promise<Throughput> {
  const before = await auditCount(db);
  let started = 0;
  let conflicts = 0;
  let emptyClaims = 0;
  const decisionMs: number[] = [];
  const t0 = performance.now();
  let failed = false;
  await settleAll(
    reviewers.map(async (ctx, r) => {
      const choose = chooser(seed + r);
      let emptyInARow = 0;
      try {
        while (started < total && !failed) {
          await claimSlice({ ctx, input: { size: CLAIM_SIZE } });
          const mine = (await listReviewQueue({ ctx, input: {} })).items.filter((i) => i.claimedByMe);
          if (mine.length === 0) {
            // Two reviewers claiming at the same moment pick the same oldest assets and the later insert
            // loses quietly (claimSlice): the reviewer presses Claim again, as a person would.
            emptyClaims += 1;
            if (++emptyInARow >= 20) throw new Error(`${ctx.actor.name} could claim nothing in 20 attempts`);
            continue;
          }
          emptyInARow = 0;
          for (const item of mine) {
            if (started >= total || failed) break;
            started += 1;
            const t = performance.now();
            try {
              await decide(ctx, item, choose());
              decisionMs.push(performance.now() - t);
            } catch (error) {
              if (!(error instanceof AppError) || error.code !== "conflict") throw error;
              conflicts += 1;
            }
          }
        }
      } catch (error) {
        failed = true; // the other reviewers stop at their next decision
        throw error;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    reviewers: reviewers.length,
    decisions: decisionMs.length,
    auditRows: (await auditCount(db)) - before,
    seconds,
    conflicts,
    emptyClaims,
    decisionMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Floors.

async function floors(db: Db, reviewer: Ctx, count: number) {
  await db.execute(sql.raw(`create table bench_plain_audit (like audit_events including defaults)`));
  const tail = await queryRows<{ id: string; version: string }>(
    db,
    sql`select id, current_version_id as version from assets where status = 'in_review' order by entered_review_at desc, id desc limit ${count + 10}`,
  );
  const decisionMs: number[] = [];
  for (const [n, a] of tail.entries()) {
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      await tx.execute(sql`select id from assets where id = ${a.id}::uuid for update`);
      await tx.execute(
        sql`insert into review_decisions (asset_id, asset_version_id, reviewer_id, decision) values (${a.id}::uuid, ${a.version}::uuid, ${reviewer.actor.id}::uuid, 'approve') returning id`,
      );
      await tx.execute(sql`update assets set status = 'approved', updated_at = now() where id = ${a.id}::uuid`);
      const f = {
        prevHash: GENESIS_HASH,
        occurredAt: new Date(),
        actorId: reviewer.actor.id,
        actorEmail: reviewer.actor.email,
        action: "review.decided" as const,
        subjectType: "asset",
        subjectId: a.id,
        data: { version: a.version, decision: "approve", status: "approved" },
        ip: reviewer.ip,
      };
      await tx.execute(sql`insert into bench_plain_audit (occurred_at, actor_id, actor_email, action, subject_type, subject_id, data, ip, prev_hash, hash)
        values (${f.occurredAt.toISOString()}, ${f.actorId}::uuid, ${f.actorEmail}, ${f.action}, ${f.subjectType}, ${f.subjectId}, ${JSON.stringify(f.data)}::jsonb, ${f.ip}, ${f.prevHash}, ${hashAuditEvent(f)})`);
    });
    if (n >= 10) decisionMs.push(performance.now() - t0);
  }
  const nextMs: number[] = [];
  for (let n = 0; n < count + 10; n++) {
    const t0 = performance.now();
    await db.execute(sql`select a.*, v.* from assets a join asset_versions v on v.id = a.current_version_id
      where a.status = 'in_review' order by a.entered_review_at, a.id limit 200`);
    if (n >= 10) nextMs.push(performance.now() - t0);
  }
  return { decisionMs, nextMs };
}

// ---------------------------------------------------------------------------------------------

type Result = {
  kind: "pglite" | "postgres";
  world: World;
  outcomes: Outcomes;
  decisionMs: number[];
  nextMs: number[];
  parts: Parts;
  floor: { decisionMs: number[]; nextMs: number[] };
  one: Throughput;
  four: Throughput;
};

async function runOn(kind: Result["kind"], database: Database): Promise<Result> {
  const { db } = database;
  const label = kind === "pglite" ? "PGlite (in memory)" : `PostgreSQL (${scratchDb})`;
  console.log(`${label}: seeding ${int(N)} assets in review and ${int(N)} decided…`);
  const world = await seed(db);
  console.log(
    `  ${int(world.queued)} in review (${int(world.heroes)} hero, ${int(world.withOneApproval)} with a first approval), ${int(world.decided)} decided, ${int(world.searchRows)} asset_search rows in ${(world.seedMs / 1000).toFixed(1)} s`,
  );
  const [rita, ben, cleo, dev, eve] = world.reviewers as [Ctx, Ctx, Ctx, Ctx, Ctx];
  const outcomes: Outcomes = {};
  // Calibration on the oldest part of the queue; measurement on the part after it.
  await review(rita, CALIBRATION, chooser(1), {});
  console.log(`  calibrated on ${CALIBRATION} decisions; measuring ${D}`);
  const measured = await review(rita, D, chooser(2), outcomes);
  const floor = await floors(db, rita, D);
  console.log(`  floors measured; throughput, 1 reviewer then 4`);
  const one = await throughput(db, [rita], D, 100);
  const four = await throughput(db, [ben, cleo, dev, eve], D, 200);
  return { kind, world, outcomes, ...measured, floor, one, four };
}

const scratchDb = `kiln_bench_review_${process.pid}`;
let admin: ReturnType<typeof postgres> | null = null;
let created = false;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (admin) {
    if (created) await admin.unsafe(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 5 }).catch(() => {});
  }
  rmSync(scratch, { recursive: true, force: true });
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

const startedAt = performance.now();
const results: Result[] = [];
let failure: unknown = null;
try {
  for (const kind of DATABASES) {
    let database: Database | null = null;
    try {
      if (kind === "postgres") {
        admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await admin.unsafe(`CREATE DATABASE ${scratchDb}`);
        created = true;
        const url = new URL(serverUrl);
        url.pathname = `/${scratchDb}`;
        database = await openDatabase({ url: url.toString() });
      } else {
        database = await openDatabase({ memory: true });
      }
      await database.migrate();
      results.push(await runOn(kind as Result["kind"], database));
    } finally {
      // Closed before anything is printed, so no shutdown message follows the result line.
      await database?.close().catch(() => {});
    }
  }
} catch (error) {
  failure = error;
} finally {
  await cleanup();
}

// ---------------------------------------------------------------------------------------------
// Report (every database closed by now).

const met = (ms: number) => (ms < TARGET_MS ? "met" : "MISSED");
for (const r of results) {
  const name = r.kind === "pglite" ? "PGlite (in memory)" : "PostgreSQL";
  console.log("");
  console.log(
    `${name}: ${int(r.world.queued)} assets in review, ${int(r.world.decided)} decided; ${D} decisions measured after ${CALIBRATION} calibrating`,
  );
  console.log(
    `  outcomes: ${Object.entries(r.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  console.log(
    `  ${"measurement".padEnd(44)} ${"n".padStart(5)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}  target`,
  );
  const line = (label: string, xs: number[], target = "") =>
    console.log(
      `  ${label.padEnd(44)} ${String(xs.length).padStart(5)} ${fmt(pct(xs, 50)).padStart(8)} ${fmt(pct(xs, 95)).padStart(8)}  ${target}`,
    );
  line("decision + audit row (decideAsset)", r.decisionMs, `< ${TARGET_MS} ms ${met(pct(r.decisionMs, 95))}`);
  line("next asset (next read + detail + alt text)", r.nextMs, `< ${TARGET_MS} ms ${met(pct(r.nextMs, 95))}`);
  line("floor: a decision's writes only", r.floor.decisionMs);
  line("floor: a queue page from the index", r.floor.nextMs);
  line("decision, 4 reviewers at once", r.four.decisionMs);
  console.log(
    `  ${"throughput (claimed slices, back to back)".padEnd(44)} ${"decided".padStart(7)} ${"audit rows".padStart(10)} ${"s".padStart(6)} ${"audited writes/s".padStart(16)} ${"conflicts".padStart(9)} ${"empty claims".padStart(12)}`,
  );
  for (const t of [r.one, r.four])
    console.log(
      `  ${`${t.reviewers} reviewer${t.reviewers > 1 ? "s" : ""}`.padEnd(44)} ${String(t.decisions).padStart(7)} ${String(t.auditRows).padStart(10)} ${t.seconds.toFixed(1).padStart(6)} ${(t.auditRows / t.seconds).toFixed(0).padStart(16)} ${String(t.conflicts).padStart(9)} ${String(t.emptyClaims).padStart(12)}`,
    );
  console.log(
    `  next asset, when each request answered (p50/p95 ms): next read ${fmt(pct(r.parts.next, 50))}/${fmt(pct(r.parts.next, 95))}, detail ${fmt(pct(r.parts.detail, 50))}/${fmt(pct(r.parts.detail, 95))}, alt text ${fmt(pct(r.parts.altText, 50))}/${fmt(pct(r.parts.altText, 95))}; the list's guess was wrong ${r.parts.misses}×`,
  );
  console.log(
    `  the old path for the same assets (list refetch + detail + alt text, read right after each measured next): p50/p95 ${fmt(pct(r.parts.oldPath, 50))}/${fmt(pct(r.parts.oldPath, 95))} ms`,
  );
  console.log(
    `  list refreshes beside a next load: ${r.parts.refreshes} (200 rows + total, p50/p95 ${fmt(pct(r.parts.queue, 50))}/${fmt(pct(r.parts.queue, 95))} ms from the decision's end; the page does not wait for them)`,
  );
  console.log(
    `  decision p50 ÷ floor p50 ${(pct(r.decisionMs, 50) / pct(r.floor.decisionMs, 50)).toFixed(1)}×, next p50 ÷ floor p50 ${(pct(r.nextMs, 50) / pct(r.floor.nextMs, 50)).toFixed(1)}×`,
  );
}
if (failure)
  console.error(
    `\nbench:review failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`,
  );
console.log(`\ntotal ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);

const worst = (xs: number[], pick: "max" | "min") =>
  xs.length ? (pick === "max" ? Math.max(...xs) : Math.min(...xs)) : NaN;
const decisionP95 = worst(
  results.map((r) => pct(r.decisionMs, 95)),
  "max",
);
const nextP95 = worst(
  results.map((r) => pct(r.nextMs, 95)),
  "max",
);
const writes1 = worst(
  results.map((r) => r.one.auditRows / r.one.seconds),
  "min",
);
const writes4 = worst(
  results.map((r) => r.four.auditRows / r.four.seconds),
  "min",
);
const conflicts = results.reduce((n, r) => n + r.four.conflicts + r.one.conflicts, 0);
const missed =
  results.some((r) => !(pct(r.decisionMs, 95) < TARGET_MS) || !(pct(r.nextMs, 95) < TARGET_MS)) || conflicts > 0;
const kv = [
  `decision_p95_ms=${fmt(decisionP95)}`,
  `next_p95_ms=${fmt(nextP95)}`,
  `audited_writes_per_s=${writes1.toFixed(0)}`,
  `audited_writes_per_s_4=${writes4.toFixed(0)}`,
  `db=${results.map((r) => r.kind).join(",") || "none"}`,
];
for (const r of results) {
  const p = r.kind;
  kv.push(
    `${p}_decision_p50_ms=${fmt(pct(r.decisionMs, 50))}`,
    `${p}_decision_p95_ms=${fmt(pct(r.decisionMs, 95))}`,
    `${p}_next_p50_ms=${fmt(pct(r.nextMs, 50))}`,
    `${p}_next_p95_ms=${fmt(pct(r.nextMs, 95))}`,
    `${p}_old_next_p50_ms=${fmt(pct(r.parts.oldPath, 50))}`,
    `${p}_old_next_p95_ms=${fmt(pct(r.parts.oldPath, 95))}`,
    `${p}_floor_decision_p50_ms=${fmt(pct(r.floor.decisionMs, 50))}`,
    `${p}_floor_next_p50_ms=${fmt(pct(r.floor.nextMs, 50))}`,
    `${p}_decision_p95_ms_4=${fmt(pct(r.four.decisionMs, 95))}`,
    `${p}_audited_writes_per_s=${(r.one.auditRows / r.one.seconds).toFixed(0)}`,
    `${p}_audited_writes_per_s_4=${(r.four.auditRows / r.four.seconds).toFixed(0)}`,
    `${p}_empty_claims_4=${r.four.emptyClaims}`,
  );
}
kv.push(
  `conflicts=${conflicts}`,
  `assets=${N}`,
  `decisions=${D}`,
  `targets=${failure ? "error" : missed ? "missed" : "met"}`,
);
// The last line, always; a failed run exits 2, a missed target (or a collision between reviewers) 1.
console.log(kv.join(" "));
process.exitCode = failure ? 2 : missed ? 1 : 0;
