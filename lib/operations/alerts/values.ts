import { and, count, eq, gt, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets, costLedger, generations, presetVersions, providers, type AlertKind } from "@/db/schema";
import { formatWindow } from "./kinds";

/**
 * The current value of each alert kind, read from the database at `now` (tests pass a fixed one).
 * Every query is bounded by an index: cost_ledger_created_idx, generations_finished_idx, assets_status_idx.
 */
export type Measured = {
  /** In the stored unit (percent, ms, minutes, micro-dollars per hour); null: not enough data to say. */
  value: number | null;
  /** Plain words for the message: "6 of 8 calls to Kiln GPU simulator failed in the last 15 minutes". */
  detail: string;
};

export type MeasureInput = { kind: AlertKind; providerId: string | null; windowMinutes: number };

/** Calls an endpoint needs in the window before its error rate counts: 1 failure of 2 is not an outage. */
export const MIN_CALLS_FOR_RATE = 5;

export async function measure(db: DbExecutor, rule: MeasureInput, now: Date): Promise<Measured> {
  const since = new Date(now.getTime() - rule.windowMinutes * 60_000);
  switch (rule.kind) {
    case "endpoint_error_rate":
      return endpointErrorRate(db, rule.providerId, since, now, rule.windowMinutes);
    case "generation_p95":
      return generationP95(db, rule.providerId, since, now, rule.windowMinutes);
    case "review_backlog_age":
      return reviewBacklogAge(db, now);
    case "spend_rate":
      return spendRate(db, since, now, rule.windowMinutes);
  }
}

/**
 * Failed (and crash-interrupted) provider calls among all calls per endpoint. Every provider call
 * ends in exactly one cost-ledger row written in the transaction that ends its provider_calls record
 * (decision 0006), carrying the outcome that provider_calls itself does not keep; the ledger's
 * created_at index bounds the window. With no endpoint chosen, the worst endpoint counts.
 */
async function endpointErrorRate(
  db: DbExecutor,
  providerId: string | null,
  since: Date,
  now: Date,
  windowMinutes: number,
): Promise<Measured> {
  const rows = await db
    .select({
      providerId: costLedger.providerId,
      calls: count(),
      failed: sql<number>`count(*) filter (where ${costLedger.outcome} <> 'succeeded')`.mapWith(Number),
    })
    .from(costLedger)
    .where(
      and(
        gt(costLedger.createdAt, since),
        lte(costLedger.createdAt, now),
        providerId ? eq(costLedger.providerId, providerId) : isNotNull(costLedger.providerId),
      ),
    )
    .groupBy(costLedger.providerId);
  const over = `in the last ${formatWindow(windowMinutes)}`;
  const counted = rows.filter((r) => r.calls >= MIN_CALLS_FOR_RATE);
  if (counted.length === 0) {
    const calls = rows.reduce((n, r) => n + r.calls, 0);
    return {
      value: null,
      detail: `${calls} call${calls === 1 ? "" : "s"} ${over}: fewer than ${MIN_CALLS_FOR_RATE}, too few to judge`,
    };
  }
  const worst = counted.map((r) => ({ ...r, rate: (r.failed / r.calls) * 100 })).sort((a, b) => b.rate - a.rate)[0]!;
  const names = await endpointNames(db, [worst.providerId!]);
  return {
    value: worst.rate,
    detail: `${worst.failed} of ${worst.calls} calls to ${names.get(worst.providerId!) ?? "an endpoint"} failed ${over}`,
  };
}

/**
 * The 95th percentile of how long succeeded generations took, from their first provider call
 * (started_at, set when the first call is claimed) to their finished image (finished_at): what a
 * designer waits once the work has started, retries included, queueing before it excluded.
 */
async function generationP95(
  db: DbExecutor,
  providerId: string | null,
  since: Date,
  now: Date,
  windowMinutes: number,
): Promise<Measured> {
  const ms = sql`extract(epoch from (${generations.finishedAt} - ${generations.startedAt})) * 1000`;
  const base = db
    .select({
      p95: sql<number | null>`percentile_cont(0.95) within group (order by ${ms})`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
      n: count(),
    })
    .from(generations);
  const where = and(
    gt(generations.finishedAt, since),
    lte(generations.finishedAt, now),
    eq(generations.status, "succeeded"),
    isNotNull(generations.startedAt),
    providerId ? eq(presetVersions.providerId, providerId) : undefined,
  );
  const [row] = providerId
    ? await base.innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId)).where(where)
    : await base.where(where);
  const n = row?.n ?? 0;
  const over = `in the last ${formatWindow(windowMinutes)}`;
  if (n === 0 || row?.p95 === null || row?.p95 === undefined)
    return { value: null, detail: `no generation finished ${over}` };
  return { value: row.p95, detail: `over ${n} generation${n === 1 ? "" : "s"} finished ${over}` };
}

/** How long the oldest asset in the review queue has waited, in minutes (0 when the queue is empty). */
async function reviewBacklogAge(db: DbExecutor, now: Date): Promise<Measured> {
  const [row] = await db
    .select({
      oldest: sql<Date | null>`min(coalesce(${assets.enteredReviewAt}, ${assets.updatedAt}))`.mapWith((v) =>
        v ? new Date(v) : null,
      ),
      n: count(),
    })
    .from(assets)
    .where(eq(assets.status, "in_review"));
  if (!row?.oldest || row.n === 0) return { value: 0, detail: "the review queue is empty" };
  const minutes = Math.max(0, (now.getTime() - row.oldest.getTime()) / 60_000);
  return { value: minutes, detail: `${row.n} asset${row.n === 1 ? "" : "s"} waiting for review` };
}

/** Everything the ledger recorded in the window, scaled to an hour (micro-dollars per hour). */
async function spendRate(db: DbExecutor, since: Date, now: Date, windowMinutes: number): Promise<Measured> {
  const [row] = await db
    .select({ micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)`.mapWith(Number), n: count() })
    .from(costLedger)
    .where(and(gt(costLedger.createdAt, since), lte(costLedger.createdAt, now)));
  const micros = row?.micros ?? 0;
  const dollars = (micros / 1_000_000).toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: micros < 10_000 ? 6 : 2,
  });
  return {
    value: (micros * 60) / windowMinutes,
    detail: `${dollars} spent in the last ${formatWindow(windowMinutes)}`,
  };
}

export async function endpointNames(db: DbExecutor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: providers.id, name: providers.name })
    .from(providers)
    .where(inArray(providers.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
