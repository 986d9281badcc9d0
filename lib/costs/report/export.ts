import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { toCsv, type CsvCell } from "@/lib/csv/safe-csv";
import { AppError } from "@/lib/errors";
import { GROUP_DIMENSION_NAMES, type GroupDimension } from "./base";
import { costBreakdown, OUTCOME_LABELS, PURPOSE_LABELS } from "./breakdown";
import { filtersToParams, type CostFilters } from "./filters";
import { costGroups } from "./groups";
import { blockRate, deadLetters, errorCounts, generationsPerHour, providerLatency, queueDepth } from "./operations";
import { topRejectReasons } from "./reasons";
import { assertOperations, costQuery } from "./report";
import type { CostScope } from "./scope";
import { costSeries } from "./series";
import { costTotals } from "./totals";

/** Exact dollars from micros for a spreadsheet ("12.345678"), alongside the integer micros. */
export function microsToUsd(value: number | null): string | null {
  if (value === null) return null;
  const big = BigInt(value);
  const sign = big < 0n ? "-" : "";
  const abs = big < 0n ? -big : big;
  return `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}
const ratio = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);

type Table = {
  operations?: boolean;
  header: string[];
  rows: (ctx: Ctx, f: CostFilters, scope: CostScope) => Promise<CsvCell[][]>;
};

const GROUP_HEADER = [
  "group",
  "spend_usd",
  "spend_micros",
  "calls",
  "approved",
  "rejected",
  "cost_per_usable_usd",
  "cost_per_usable_micros",
  "reject_rate",
  "retry_rate",
];
const groupTable = (dimension: GroupDimension): Table => ({
  header: [dimension, ...GROUP_HEADER.slice(1)],
  rows: async (ctx, f, scope) =>
    (await costGroups(ctx.db, f, scope, dimension)).map((g) => [
      g.label,
      microsToUsd(g.spendMicros),
      g.spendMicros,
      g.calls,
      g.approved,
      g.rejected,
      microsToUsd(g.costPerUsableMicros),
      g.costPerUsableMicros,
      ratio(g.rejectRate),
      ratio(g.retryRate),
    ]),
});

/** Every table the Costs and Operations pages show, as CSV. */
export const COST_TABLES: Record<string, Table> = {
  totals: {
    header: [
      "from",
      "to",
      "spend_usd",
      "spend_micros",
      "overhead_micros",
      "approved",
      "rejected",
      "cost_per_usable_usd",
      "cost_per_usable_micros",
      "reject_rate",
      "retry_rate",
    ],
    rows: async (ctx, f, scope) => {
      const t = await costTotals(ctx.db, f, scope);
      return [
        [
          f.from,
          f.to,
          microsToUsd(t.spendMicros),
          t.spendMicros,
          t.overheadMicros,
          t.approved,
          t.rejected,
          microsToUsd(t.costPerUsableMicros),
          t.costPerUsableMicros,
          ratio(t.rejectRate),
          ratio(t.retryRate),
        ],
      ];
    },
  },
  daily: {
    header: [
      "day",
      "spend_usd",
      "spend_micros",
      "approved",
      "rejected",
      "cost_per_usable_micros",
      "reject_rate",
      "retry_rate",
    ],
    rows: async (ctx, f, scope) =>
      (await costSeries(ctx.db, f, scope)).map((d) => [
        d.day,
        microsToUsd(d.spendMicros),
        d.spendMicros,
        d.approved,
        d.rejected,
        d.costPerUsableMicros,
        ratio(d.rejectRate),
        ratio(d.retryRate),
      ]),
  },
  ...Object.fromEntries(GROUP_DIMENSION_NAMES.map((d) => [d, groupTable(d)])),
  breakdown: {
    header: ["purpose", "outcome", "spend_usd", "spend_micros", "calls"],
    rows: async (ctx, f, scope) =>
      (await costBreakdown(ctx.db, f, scope)).cells.map((c) => [
        PURPOSE_LABELS[c.purpose],
        OUTCOME_LABELS[c.outcome],
        microsToUsd(c.micros),
        c.micros,
        c.calls,
      ]),
  },
  reasons: {
    header: ["reason_code", "reason", "assets", "by_reviewer", "cost_usd", "cost_micros"],
    rows: async (ctx, f, scope) =>
      (await topRejectReasons(ctx.db, f, scope, 100)).map((r) => [
        r.code,
        r.label,
        r.assets,
        r.byReviewer,
        microsToUsd(r.micros),
        r.micros,
      ]),
  },
  "ops-hours": {
    operations: true,
    header: ["hour_utc", "succeeded", "dead_lettered"],
    rows: async (ctx, f) => (await generationsPerHour(ctx.db, f)).map((h) => [h.hour, h.succeeded, h.deadLettered]),
  },
  "ops-blocks": {
    operations: true,
    header: ["blocked_prompts", "blocked_uploads", "queued_batches", "block_rate"],
    rows: async (ctx, f) => {
      const b = await blockRate(ctx.db, f);
      return [[b.blockedPrompts, b.blockedUploads, b.queuedBatches, ratio(b.rate)]];
    },
  },
  "ops-latency": {
    operations: true,
    header: ["provider", "generations", "p50_ms", "p95_ms"],
    rows: async (ctx, f) =>
      (await providerLatency(ctx.db, f)).map((l) => [l.provider, l.generations, l.p50Ms, l.p95Ms]),
  },
  "ops-errors": {
    operations: true,
    header: ["source", "code", "count"],
    rows: async (ctx, f) => (await errorCounts(ctx.db, f)).map((e) => [e.source, e.code, e.count]),
  },
  "ops-queue": {
    operations: true,
    header: ["provider", "queued", "running", "oldest_queued_at"],
    rows: async (ctx, f) =>
      (await queueDepth(ctx.db, f)).map((q) => [q.provider, q.queued, q.running, q.oldestQueuedAt]),
  },
  "ops-dead-letters": {
    operations: true,
    header: ["at", "generation_id", "batch_id", "batch", "campaign", "owner", "code", "message"],
    rows: async (ctx, f) =>
      (await deadLetters(ctx.db, f, 1000)).map((d) => [
        d.at,
        d.generationId,
        d.batchId,
        d.batchName,
        d.campaign,
        d.owner,
        d.code,
        d.message,
      ]),
  },
};

export const COST_TABLE_NAMES = Object.keys(COST_TABLES);

/**
 * One of the pages' tables as a CSV file for a spreadsheet: permission-checked like the page (the
 * viewer's scope applies), formula-safe (lib/csv/safe-csv.ts), and audited with its filters.
 */
export async function exportCostCsv({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Record<string, unknown>;
}): Promise<{ filename: string; csv: string }> {
  const { table: name, by: _by, ...rest } = input;
  const table = typeof name === "string" ? COST_TABLES[name] : undefined;
  if (!table)
    throw new AppError("invalid_input", `Pick a table to export: ${COST_TABLE_NAMES.join(", ")}.`, {
      fields: { table: ["Unknown table."] },
    });
  if (table.operations) assertOperations(ctx);
  const { filters, scope } = await costQuery(ctx, rest);
  const rows = await table.rows(ctx, filters, scope);
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "costs.exported",
      data: { table: name, rows: rows.length, filters: filtersToParams(filters), scope: scope.kind },
      ip: ctx.ip,
    },
  });
  return {
    filename: `kiln-costs-${name}-${filters.from}-to-${filters.to}.csv`,
    csv: toCsv(table.header, rows, { bom: true }),
  };
}
