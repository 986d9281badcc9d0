import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { batches, costLedger, generations, users, type Batch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { waitReason } from "@/lib/budgets/gate";
import { listBatchMoves, type BatchMoveGroup } from "@/lib/operations/failover/batch-moves";
import { generationPausedReason } from "@/lib/operations/switches/read-switches";
import { AppError } from "@/lib/errors";
import { checkSummariesForGenerations, type AssetCheckSummary } from "@/lib/checks/views";
import { blobRouteUrl } from "@/lib/storage/keys";
import { assetTitle } from "@/lib/assets/title";
import { groupRowErrors } from "@/lib/batches/group-errors";

export type BatchCounts = {
  queued: number;
  running: number;
  succeeded: number;
  dead_lettered: number;
  cancelled: number;
};
export type BatchSummary = Pick<
  Batch,
  "id" | "name" | "campaign" | "status" | "total" | "estimateMicros" | "estimateSeconds" | "source"
> & {
  createdAt: string;
  finishedAt: string | null;
  owner: string;
  counts: BatchCounts;
  spentMicros: number;
};

const EMPTY: BatchCounts = { queued: 0, running: 0, succeeded: 0, dead_lettered: 0, cancelled: 0 };

/** Designers see their own batches; admins see everyone's (the Jobs page's rule, for every view of a batch). */
export function batchesVisibleTo(ctx: Ctx) {
  return ctx.actor.role === "admin" ? undefined : eq(batches.ownerId, ctx.actor.id);
}

async function countsFor(ctx: Ctx, batchIds: string[]) {
  if (batchIds.length === 0) return { counts: new Map<string, BatchCounts>(), spent: new Map<string, number>() };
  const rows = await ctx.db
    .select({ batchId: generations.batchId, status: generations.status, n: sql<number>`count(*)::int` })
    .from(generations)
    .where(inArray(generations.batchId, batchIds))
    .groupBy(generations.batchId, generations.status);
  const counts = new Map<string, BatchCounts>();
  for (const r of rows) counts.set(r.batchId, { ...(counts.get(r.batchId) ?? EMPTY), [r.status]: r.n });
  const spentRows = await ctx.db
    .select({ batchId: generations.batchId, micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)::bigint` })
    .from(costLedger)
    .innerJoin(generations, eq(generations.id, costLedger.generationId))
    .where(inArray(generations.batchId, batchIds))
    .groupBy(generations.batchId);
  return { counts, spent: new Map(spentRows.map((r) => [r.batchId, Number(r.micros)])) };
}

export async function listBatches({ ctx, limit = 50 }: { ctx: Ctx; limit?: number }): Promise<BatchSummary[]> {
  const rows = await ctx.db
    .select({ batch: batches, owner: users.name })
    .from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId))
    .where(batchesVisibleTo(ctx))
    .orderBy(desc(batches.createdAt))
    .limit(limit);
  return listBatchesByIds(ctx, rows);
}

export type GenerationRow = {
  id: string;
  /** What the tile is called: the template's title pattern over the row (e.g. "Trail shoe KLN-0042 · 2/3"), or "Row 3, variant 1". */
  title: string;
  /** The row's CSV columns carried as metadata (SKU, category…). */
  carried: Record<string, string>;
  line: number;
  variant: number;
  tier: string;
  status: string;
  prompt: string;
  width: number;
  height: number;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  thumbUrl: string | null;
  previewUrl: string | null;
  finishedAt: string | null;
  /** Set on an automatic re-roll: the row's image it replaces, and which re-roll this is. */
  rerollOf: string | null;
  rerollDepth: number;
  /** The asset this generation made and what the automated checks decided (null until it succeeded). */
  check: AssetCheckSummary | null;
  /** Set on queued rows that wait on a budget or a held campaign: why (e.g. "budget exhausted for campaign X"). */
  waiting: string | null;
};

/** Estimate against what the batch really cost so far, with retries and re-rolls broken out (ledger purpose). */
export type EstimateVsActual = {
  estimateMicros: number;
  actualMicros: number;
  firstAttemptMicros: number;
  retryMicros: number;
  rerollMicros: number;
  editMicros: number;
  retryCalls: number;
  rerollCalls: number;
  /** The estimate's share for the generations that have finished (succeeded or failed): what "so far" is compared with. */
  expectedSoFarMicros: number;
  /** (actual − expected so far) ÷ expected so far in percent, one decimal; null until a generation has finished. */
  errorPercent: number | null;
};

export type BatchDetail = BatchSummary & {
  imagesPerMinute: number | null;
  etaSeconds: number | null;
  rows: GenerationRow[];
  /** Why the batch's queued work waits, if it does (lib/budgets/gate.ts, lib/operations/switches). */
  waiting: string | null;
  /** What unblocks it, in words for the page. */
  waitingHint: string | null;
  /** Generations moved to another endpoint (failover or by an admin), grouped (lib/operations/failover). */
  moves: BatchMoveGroup[];
  costs: EstimateVsActual;
  /** CSV rows left out at queue time, grouped by reason (the error CSV has them row by row). */
  skipped: SkippedSummary;
};

export type SkippedSummary = {
  count: number;
  /** Rows kept with the batch (the first 1,000); `count` may be larger. */
  kept: number;
  groups: { message: string; rows: number; lines: string }[];
};

/** The skipped rows of a batch as the job page says them: one line per distinct reason. */
export function skippedSummary(batch: Pick<Batch, "skippedRows" | "skippedCount">): SkippedSummary {
  const groups = groupRowErrors(batch.skippedRows).slice(0, 20);
  return {
    count: batch.skippedCount,
    kept: batch.skippedRows.length,
    groups: groups.map((g) => ({ message: g.message, rows: new Set(g.lines).size, lines: g.summary })),
  };
}

async function estimateVsActual(
  ctx: Ctx,
  batch: Pick<Batch, "id" | "estimateMicros" | "total">,
  counts: BatchCounts,
): Promise<EstimateVsActual> {
  const rows = await ctx.db
    .select({
      purpose: costLedger.purpose,
      micros: sql<string>`coalesce(sum(${costLedger.micros}), 0)`,
      calls: sql<number>`count(*)::int`,
    })
    .from(costLedger)
    .where(eq(costLedger.batchId, batch.id))
    .groupBy(costLedger.purpose);
  const of = (p: string) => rows.find((r) => r.purpose === p);
  const micros = (p: string) => Number(of(p)?.micros ?? 0);
  const actual = rows.reduce((sum, r) => sum + Number(r.micros), 0);
  const est = batch.estimateMicros;
  // Compare like with like while the batch runs: the estimate of the finished share (integer math).
  const finished = counts.succeeded + counts.dead_lettered;
  const expected =
    batch.total > 0
      ? Number((BigInt(est) * BigInt(Math.min(finished, batch.total)) + BigInt(batch.total) / 2n) / BigInt(batch.total))
      : 0;
  return {
    estimateMicros: est,
    actualMicros: actual,
    firstAttemptMicros: micros("first_attempt"),
    retryMicros: micros("retry"),
    rerollMicros: micros("reroll"),
    editMicros: micros("edit"),
    retryCalls: of("retry")?.calls ?? 0,
    rerollCalls: of("reroll")?.calls ?? 0,
    expectedSoFarMicros: expected,
    errorPercent: expected > 0 ? Math.round(((actual - expected) * 1000) / expected) / 10 : null,
  };
}

export async function getBatch({ ctx, batchId }: { ctx: Ctx; batchId: string }): Promise<BatchDetail> {
  if (!z.string().uuid().safeParse(batchId).success) throw new AppError("not_found", "That batch does not exist.");
  const [row] = await ctx.db
    .select({ batch: batches, owner: users.name })
    .from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId))
    .where(and(eq(batches.id, batchId), batchesVisibleTo(ctx)))
    .limit(1);
  if (!row) throw new AppError("not_found", "That batch does not exist or is not yours.");
  const [summary] = await listBatchesByIds(ctx, [row]);
  const gens = await ctx.db
    .select()
    .from(generations)
    .where(eq(generations.batchId, batchId))
    .orderBy(generations.rowLine, generations.variantIndex, generations.rerollDepth)
    .limit(5000);
  const checks = await checkSummariesForGenerations(
    ctx.db,
    gens.filter((g) => g.status === "succeeded").map((g) => g.id),
  );
  const done = gens.filter((g) => g.finishedAt && g.status === "succeeded");
  // Measured throughput over the finished images, for the live rate and ETA.
  const first = Math.min(...gens.map((g) => g.startedAt?.getTime() ?? Infinity));
  const last = Math.max(...done.map((g) => g.finishedAt!.getTime()));
  const minutes = done.length > 1 && Number.isFinite(first) ? (last - first) / 60_000 : 0;
  const imagesPerMinute = minutes > 0 ? done.length / minutes : null;
  const remaining = summary!.counts.queued + summary!.counts.running;
  const stopped = summary!.counts.queued > 0 ? await generationPausedReason(ctx.db) : null;
  const waiting =
    stopped ??
    (summary!.counts.queued > 0
      ? (await waitReason(ctx.db, { campaign: row.batch.campaign, userId: row.batch.ownerId })).reason
      : null);
  const waitingHint = stopped
    ? "they go on when an admin resumes generation"
    : waiting
      ? "they go on when the budget is raised, the period rolls over or the hold is released (Budgets)"
      : null;
  return {
    ...summary!,
    waiting,
    waitingHint,
    moves: await listBatchMoves(ctx.db, batchId),
    costs: await estimateVsActual(ctx, row.batch, summary!.counts),
    skipped: skippedSummary(row.batch),
    imagesPerMinute,
    etaSeconds: imagesPerMinute && remaining ? Math.round((remaining / imagesPerMinute) * 60) : null,
    rows: gens.map((g) => ({
      id: g.id,
      title: assetTitle({ title: g.title, line: g.rowLine, variant: g.variantIndex }),
      carried: g.carriedColumns ?? {},
      line: g.rowLine,
      variant: g.variantIndex,
      tier: g.tier,
      status: g.status,
      prompt: g.prompt,
      width: g.width,
      height: g.height,
      attempts: g.attempts,
      errorCode: g.errorCode,
      errorMessage: g.errorMessage,
      thumbUrl: g.renditions.thumb ? blobRouteUrl(g.renditions.thumb.key) : null,
      previewUrl: g.renditions.preview ? blobRouteUrl(g.renditions.preview.key) : null,
      finishedAt: g.finishedAt?.toISOString() ?? null,
      rerollOf: g.rerollOf,
      rerollDepth: g.rerollDepth,
      check: checks.get(g.id) ?? null,
      waiting: g.status === "queued" ? waiting : null,
    })),
  };
}

async function listBatchesByIds(ctx: Ctx, rows: { batch: Batch; owner: string }[]): Promise<BatchSummary[]> {
  const { counts, spent } = await countsFor(
    ctx,
    rows.map((r) => r.batch.id),
  );
  return rows.map(({ batch: b, owner }) => ({
    id: b.id,
    name: b.name,
    campaign: b.campaign,
    status: b.status,
    total: b.total,
    estimateMicros: b.estimateMicros,
    estimateSeconds: b.estimateSeconds,
    source: b.source,
    createdAt: b.createdAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
    owner,
    counts: counts.get(b.id) ?? EMPTY,
    spentMicros: spent.get(b.id) ?? 0,
  }));
}

/** A batch's summary (counts, spend) under the same visibility as the Jobs page; not_found otherwise. */
export async function getBatchSummary({ ctx, batchId }: { ctx: Ctx; batchId: string }): Promise<BatchSummary> {
  if (!z.string().uuid().safeParse(batchId).success) throw new AppError("not_found", "That batch does not exist.");
  const rows = await ctx.db
    .select({ batch: batches, owner: users.name })
    .from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId))
    .where(and(eq(batches.id, batchId), batchesVisibleTo(ctx)))
    .limit(1);
  if (rows.length === 0) throw new AppError("not_found", "That batch does not exist or is not yours.");
  return (await listBatchesByIds(ctx, rows))[0]!;
}

/**
 * One page of the batches the actor may see, newest first, after a (created, id) key: keyset
 * pagination for the public API. Times compare at millisecond precision, the precision the key
 * is handed out in. Fetches `limit` rows; ask for one more to learn whether there is a next page.
 */
export async function listBatchesPage({
  ctx,
  limit,
  after,
  status,
}: {
  ctx: Ctx;
  limit: number;
  after?: { at: string; id: string } | null;
  status?: Batch["status"];
}): Promise<BatchSummary[]> {
  const created = sql`date_trunc('milliseconds', ${batches.createdAt})`;
  const rows = await ctx.db
    .select({ batch: batches, owner: users.name })
    .from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId))
    .where(
      and(
        batchesVisibleTo(ctx),
        status ? eq(batches.status, status) : undefined,
        after ? sql`(${created}, ${batches.id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(created), desc(batches.id))
    .limit(limit);
  return listBatchesByIds(ctx, rows);
}
