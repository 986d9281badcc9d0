import { and, asc, count, eq, gt, isNull, lt, ne, notExists, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import {
  assets,
  assetVersions,
  batches,
  checkRuns,
  generations,
  presets,
  presetVersions,
  reviewClaims,
  reviewDecisions,
  users,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { badgeOf, type CheckBadge } from "@/lib/checks/views";
import { env } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import { TIERS } from "@/lib/presets";
import { blobRouteUrl } from "@/lib/storage/keys";
import { approvalsNeeded } from "./decide";
import { assetTier, UPLOADED_ASSET_TIER } from "@/lib/assets/tier";
import { assetTitle } from "@/lib/assets/title";

export const CLAIM_MINUTES = 15;
const QUEUE_LIMIT = 200;

export const queueFilters = z.object({
  tier: z.enum(TIERS).optional(),
  campaign: z.string().trim().max(120).optional(),
  presetId: z.string().uuid().optional(),
  designerId: z.string().uuid().optional(),
  /** "only": assets a check warned about; "none": assets every check passed. */
  warnings: z.enum(["only", "none"]).optional(),
});

export type QueueItem = {
  assetId: string;
  /** The asset's title (e.g. "Trail shoe KLN-0042"), or "Row 3, variant 1" for rows made without a title pattern. */
  title: string;
  /** CSV columns carried with the asset (SKU, category…), so the reviewer sees which product this is. */
  metadata: Record<string, string>;
  versionId: string;
  versionNumber: number;
  tier: string;
  campaign: string | null;
  preset: string;
  designer: string;
  prompt: string;
  thumbUrl: string | null;
  previewUrl: string | null;
  originalUrl: string;
  enteredReviewAt: string;
  /** Where the asset stands in the queue's order (the key nextReviewItem continues after). */
  queueKey: QueuePageKey;
  ageMinutes: number;
  overSla: boolean;
  checkVerdict: string | null;
  checks: CheckBadge[];
  approvals: number;
  approvalsNeeded: number;
  claimedByMe: boolean;
  /** Who holds the asset and until when (ISO); only this reviewer's own claims reach their queue. */
  claim: { by: string; mine: boolean; until: string } | null;
};

/** Assets other reviewers hold right now (not in this reviewer's queue): who, how many, until when. */
export type HeldByOthers = { reviewer: string; count: number; until: string }[];

function assertReviewer(ctx: Ctx) {
  if (ctx.actor.role !== "reviewer" && ctx.actor.role !== "admin")
    throw new AppError("forbidden", "Only reviewers work the review queue.");
}

/**
 * In review, not the reviewer's own work, not held by another reviewer's live claim, not already approved by this reviewer.
 *
 * `perRow`: for reads that stop after a few rows in queue order (a page, the next asset). Each
 * exclusion then stays a per-row index probe (asset_versions_asset_number_key, review_claims' key,
 * review_decisions_asset_idx): the OFFSET 0 keeps PostgreSQL from turning it into an anti-join, which
 * reads every version this reviewer made (no index on created_by) and every decision in their history
 * (growing without end) before the first row comes out. Counts over the whole queue keep the anti-joins.
 */
function reviewableBy(ctx: Ctx, { perRow = false }: { perRow?: boolean } = {}) {
  const mine = alias(reviewDecisions, "mine");
  const authored = alias(assetVersions, "authored");
  // Written out, not .offset(0): drizzle drops an offset of 0, and the fence with it.
  const fence = (q: SQLWrapper) => (perRow ? sql`(${q} offset 0)` : q);
  return and(
    eq(assets.status, "in_review"),
    ne(assets.ownerId, ctx.actor.id),
    notExists(
      fence(
        ctx.db
          .select({ one: sql`1` })
          .from(authored)
          .where(and(eq(authored.assetId, assets.id), eq(authored.createdBy, ctx.actor.id))),
      ),
    ),
    notExists(
      fence(
        ctx.db
          .select({ one: sql`1` })
          .from(reviewClaims)
          .where(
            and(
              eq(reviewClaims.assetId, assets.id),
              ne(reviewClaims.reviewerId, ctx.actor.id),
              gt(reviewClaims.expiresAt, sql`now()`),
            ),
          ),
      ),
    ),
    notExists(
      fence(
        ctx.db
          .select({ one: sql`1` })
          .from(mine)
          // A decision names its asset and version: by the asset first, so review_decisions_asset_idx finds it.
          .where(
            and(
              eq(mine.assetId, assets.id),
              eq(mine.assetVersionId, assets.currentVersionId),
              eq(mine.reviewerId, ctx.actor.id),
              isNull(mine.undoneAt),
            ),
          ),
      ),
    ),
  );
}

/** The verdict of the newest check run of the asset's current version (what the queue shows as checkVerdict). */
function latestVerdict() {
  return sql`(select ${checkRuns.verdict} from ${checkRuns} where ${checkRuns.assetVersionId} = ${assets.currentVersionId} order by ${checkRuns.createdAt} desc limit 1)`;
}

/**
 * Where a page of the queue ends: entered_review_at as PostgreSQL prints it (microseconds kept;
 * null for assets that entered review before it was recorded, which sort last) and the asset id.
 */
export type QueuePageKey = { at: string | null; id: string };

const enteredKey = sql<
  string | null
>`to_char(${assets.enteredReviewAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after `key` in the queue's order (entered_review_at ascending, nulls last, then id). */
function afterKey(key: QueuePageKey) {
  if (key.at === null) return and(isNull(assets.enteredReviewAt), gt(assets.id, key.id));
  return or(
    sql`(${assets.enteredReviewAt}, ${assets.id}) > (${key.at}::timestamptz, ${key.id}::uuid)`,
    isNull(assets.enteredReviewAt),
  );
}

/** The queue's filters as SQL (the joins they need are in queueRows). */
function filtersWhere(ctx: Ctx, f: z.infer<typeof queueFilters>, perRow = false) {
  return and(
    reviewableBy(ctx, { perRow }),
    // Uploaded assets (no tier) are reviewed as support work (lib/assets/tier.ts).
    f.tier
      ? f.tier === UPLOADED_ASSET_TIER
        ? or(eq(assets.tier, f.tier), isNull(assets.tier))
        : eq(assets.tier, f.tier)
      : undefined,
    f.campaign ? eq(batches.campaign, f.campaign) : undefined,
    f.presetId ? eq(presetVersions.presetId, f.presetId) : undefined,
    f.designerId ? eq(assets.ownerId, f.designerId) : undefined,
    // In SQL, not on the page afterwards: the total and the 200-item limit must see the same filter.
    f.warnings ? eq(latestVerdict(), f.warnings === "only" ? "warn" : "pass") : undefined,
  );
}

/** Approvals so far on the asset's current version (by asset first: review_decisions_asset_idx). */
const approvalsSoFar = sql<number>`(select count(*)::int from ${reviewDecisions}
  where ${reviewDecisions.assetId} = ${assets.id} and ${reviewDecisions.assetVersionId} = ${assets.currentVersionId}
    and ${reviewDecisions.undoneAt} is null and ${reviewDecisions.decision} in ('approve', 'approve_with_changes'))`;

/** The newest check run of the current version with one badge row per check: verdict and results as JSON. */
const latestRunJson = sql<unknown>`(select json_build_object('verdict', r.verdict, 'checks', coalesce((
      select json_agg(json_build_object('checkId', c.check_id, 'verdict', c.verdict, 'reasonCode', c.reason_code, 'error', c.error) order by c.created_at, c.check_id)
      from check_results c where c.check_run_id = r.id), '[]'::json))
    from check_runs r where r.asset_version_id = ${assets.currentVersionId} order by r.created_at desc limit 1)`;

type LatestRun = {
  verdict: string;
  checks: { checkId: string; verdict: CheckBadge["verdict"]; reasonCode: string | null; error: string | null }[];
} | null;

/**
 * The queue's rows in its order, each with everything a QueueItem shows (approvals, this reviewer's
 * claim and the newest check run folded in as subqueries): one statement, no follow-up reads.
 */
function queueRows(ctx: Ctx, where: SQL | undefined, limit: number) {
  return (
    ctx.db
      .select({
        asset: assets,
        version: assetVersions,
        campaign: batches.campaign,
        preset: presets.name,
        designer: users.name,
        prompt: generations.prompt,
        line: generations.rowLine,
        variant: generations.variantIndex,
        key: enteredKey,
        approvals: approvalsSoFar,
        claimedUntil: sql<
          string | null
        >`(select to_char(${reviewClaims.expiresAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') from ${reviewClaims}
          where ${reviewClaims.assetId} = ${assets.id} and ${reviewClaims.reviewerId} = ${ctx.actor.id}
          and ${reviewClaims.expiresAt} > now())`,
        latestRun: latestRunJson,
      })
      .from(assets)
      .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
      // Uploaded assets in review have no batch, preset or generation: left joins keep them in the queue.
      .leftJoin(batches, eq(batches.id, assets.batchId))
      .leftJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
      .leftJoin(presets, eq(presets.id, presetVersions.presetId))
      .innerJoin(users, eq(users.id, assets.ownerId))
      .leftJoin(generations, eq(generations.id, assets.generationId))
      .where(where)
      .orderBy(asc(assets.enteredReviewAt), asc(assets.id))
      .limit(limit)
  );
}

type QueueRow = Awaited<ReturnType<typeof queueRows>>[number];

function toQueueItem(row: QueueRow, slaHours: number, now: number, me: string): QueueItem {
  const { asset, version, campaign, preset, designer, prompt, line, variant } = row;
  // postgres.js hands json back parsed; keep a string (another driver) working too.
  const run = (typeof row.latestRun === "string" ? JSON.parse(row.latestRun) : row.latestRun) as LatestRun;
  const entered = asset.enteredReviewAt ?? asset.updatedAt;
  const ageMinutes = Math.floor((now - entered.getTime()) / 60_000);
  return {
    assetId: asset.id,
    title: assetTitle({ title: asset.title, line, variant }),
    metadata: asset.metadata ?? {},
    versionId: version.id,
    versionNumber: version.number,
    tier: assetTier(asset),
    campaign,
    // An uploaded image has no preset or prompt: say what it is instead.
    preset: preset ?? "Uploaded image",
    designer,
    prompt: prompt ?? `Uploaded image: ${asset.title}`,
    thumbUrl: version.renditions.thumb ? blobRouteUrl(version.renditions.thumb.key) : null,
    previewUrl: version.renditions.preview ? blobRouteUrl(version.renditions.preview.key) : null,
    originalUrl: blobRouteUrl(version.blobKey),
    enteredReviewAt: entered.toISOString(),
    queueKey: { at: row.key, id: asset.id },
    ageMinutes,
    overSla: ageMinutes >= slaHours * 60,
    checkVerdict: run?.verdict ?? null,
    checks: (run?.checks ?? []).map(badgeOf),
    approvals: Number(row.approvals ?? 0),
    approvalsNeeded: approvalsNeeded(asset),
    claimedByMe: !!row.claimedUntil,
    claim: row.claimedUntil ? { by: me, mine: true, until: row.claimedUntil } : null,
  };
}

/**
 * The queue, oldest first, with each asset's age against the SLA, its checks and its approvals so far.
 * The page shows its first QUEUE_LIMIT; `page` walks all of it by keyset (the public API), `next`
 * being the key to continue after (null on the last page). Two statements, sent together: the page of
 * rows (everything folded in, see queueRows) and the total.
 */
export async function listReviewQueue({
  ctx,
  input,
  page,
}: {
  ctx: Ctx;
  input: unknown;
  page?: { limit: number; after: QueuePageKey | null };
}): Promise<{ items: QueueItem[]; total: number; slaHours: number; next?: QueuePageKey | null }> {
  assertReviewer(ctx);
  const f = parseInput(queueFilters, input ?? {});
  const where = filtersWhere(ctx, f);
  const rowsWhere = filtersWhere(ctx, f, true);
  const limit = page ? page.limit : QUEUE_LIMIT;
  const [fetched, [total]] = await Promise.all([
    queueRows(ctx, page?.after ? and(rowsWhere, afterKey(page.after)) : rowsWhere, page ? limit + 1 : limit),
    ctx.db
      .select({ n: count() })
      .from(assets)
      .leftJoin(batches, eq(batches.id, assets.batchId))
      .leftJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
      .where(where),
  ]);
  const rows = fetched.slice(0, limit);
  const lastRow = rows.at(-1);
  const next = page
    ? fetched.length > limit && lastRow
      ? { at: lastRow.key, id: lastRow.asset.id }
      : null
    : undefined;
  const slaHours = env().KILN_REVIEW_SLA_HOURS;
  const now = Date.now();
  const items = rows.map((r) => toQueueItem(r, slaHours, now, ctx.actor.name));
  return { items, total: total?.n ?? 0, slaHours, ...(page ? { next } : {}) };
}

export const nextInput = queueFilters.extend({
  /** The queue position to continue after (the decided asset's queueKey); absent: the head of the queue. */
  afterAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    .nullable()
    .optional(),
  afterId: z.string().uuid().optional(),
});

/**
 * The one asset the review page opens after a decision: the first asset of this reviewer's queue
 * (same visibility rules, filters and order as listReviewQueue) after `afterAt`/`afterId`, or the
 * head of the queue without them; null when nothing is left there. One statement (queueRows, limit 1).
 */
export async function nextReviewItem({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<QueueItem | null> {
  assertReviewer(ctx);
  const { afterAt, afterId, ...filters } = parseInput(nextInput, input ?? {});
  const where = filtersWhere(ctx, filters, true);
  const [row] = await queueRows(ctx, afterId ? and(where, afterKey({ at: afterAt ?? null, id: afterId })) : where, 1);
  return row ? toQueueItem(row, env().KILN_REVIEW_SLA_HOURS, Date.now(), ctx.actor.name) : null;
}

/**
 * Who holds the assets in review that other reviewers claimed (live claims only), so the page can say
 * where the missing ones are: "Rita Reviewer holds 20 until 17:45".
 */
export async function heldByOthers(ctx: Ctx): Promise<HeldByOthers> {
  assertReviewer(ctx);
  const rows = await ctx.db
    .select({
      reviewer: users.name,
      count: count(),
      until: sql<string>`to_char(max(${reviewClaims.expiresAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
    })
    .from(reviewClaims)
    .innerJoin(assets, eq(assets.id, reviewClaims.assetId))
    .innerJoin(users, eq(users.id, reviewClaims.reviewerId))
    .where(
      and(
        ne(reviewClaims.reviewerId, ctx.actor.id),
        gt(reviewClaims.expiresAt, sql`now()`),
        eq(assets.status, "in_review"),
      ),
    )
    .groupBy(users.name)
    .orderBy(users.name);
  return rows.map((r) => ({ reviewer: r.reviewer, count: Number(r.count), until: r.until }));
}

/** The navigation badge: how many assets this reviewer could decide on now. */
export async function reviewQueueCount(ctx: Ctx): Promise<number> {
  if (ctx.actor.role !== "reviewer" && ctx.actor.role !== "admin") return 0;
  const [row] = await ctx.db.select({ n: count() }).from(assets).where(reviewableBy(ctx));
  return row?.n ?? 0;
}

const claimInput = queueFilters.extend({ size: z.number().int().min(1).max(100).default(20) });

/**
 * Claims the next slice of the queue (oldest first) for this reviewer for CLAIM_MINUTES, so two
 * reviewers do not work the same assets; expired claims are cleared first.
 */
export async function claimSlice({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ claimed: number; expiresAt: string }> {
  assertReviewer(ctx);
  const { size, ...filters } = parseInput(claimInput, input ?? {});
  const expiresAt = new Date(Date.now() + CLAIM_MINUTES * 60_000);
  return ctx.db.transaction(async (tx) => {
    await tx.delete(reviewClaims).where(lt(reviewClaims.expiresAt, new Date()));
    // The next assets of the queue as the reviewer filtered it (campaign, tier, preset…).
    const candidates = await tx
      .select({ id: assets.id })
      .from(assets)
      .leftJoin(batches, eq(batches.id, assets.batchId))
      .leftJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
      .where(
        and(
          filtersWhere(ctx, filters),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(reviewClaims)
              .where(eq(reviewClaims.assetId, assets.id)),
          ),
        ),
      )
      .orderBy(asc(assets.enteredReviewAt), asc(assets.id))
      .limit(size);
    // Renew the claims this reviewer already holds, then add the new ones; a race with another
    // reviewer's claim on the same asset loses quietly (the primary key refuses the second).
    await tx.update(reviewClaims).set({ expiresAt }).where(eq(reviewClaims.reviewerId, ctx.actor.id));
    const inserted = candidates.length
      ? await tx
          .insert(reviewClaims)
          .values(candidates.map((c) => ({ assetId: c.id, reviewerId: ctx.actor.id, expiresAt })))
          .onConflictDoNothing()
          .returning()
      : [];
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "review.claimed",
        data: { count: inserted.length, minutes: CLAIM_MINUTES },
        ip: ctx.ip,
      },
    });
    return { claimed: inserted.length, expiresAt: expiresAt.toISOString() };
  });
}
