import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { GROUP_DIMENSION_NAMES, type GroupDimension } from "./base";
import { costBreakdown, type CostBreakdown } from "./breakdown";
import { filtersToParams, hasDimensionFilter, parseCostFilters, type CostFilters } from "./filters";
import { costGroups, type CostGroupRow } from "./groups";
import { blockRate, deadLetters, errorCounts, generationsPerHour, providerLatency, queueDepth } from "./operations";
import { costFilterOptions, type CostFilterOptions } from "./options";
import { topRejectReasons, type RejectReasonRow } from "./reasons";
import { resolveCostScope, type CostScope } from "./scope";
import { costSeries, type CostDay } from "./series";
import { costTotals, type CostTotals } from "./totals";

export type CostReport = {
  filters: CostFilters;
  params: Record<string, string>;
  scope: CostScope;
  /** The overhead line is only meaningful while no dimension filter is set. */
  filtered: boolean;
  totals: CostTotals;
  series: CostDay[];
  breakdown: CostBreakdown;
  reasons: RejectReasonRow[];
  groupBy: GroupDimension;
  groups: CostGroupRow[];
  options: CostFilterOptions;
};

/** Parses the filters and decides what the viewer may see; every report entry point starts here. */
export async function costQuery(ctx: Ctx, input: unknown): Promise<{ filters: CostFilters; scope: CostScope }> {
  if (!can(ctx.actor.role, "costs.view")) throw new AppError("forbidden", "Your role cannot see costs.");
  const filters = parseCostFilters(input);
  return { filters, scope: await resolveCostScope(ctx, filters) };
}

export function parseGroupBy(value: unknown): GroupDimension {
  if (value === undefined || value === null || value === "") return "model";
  if (typeof value === "string" && (GROUP_DIMENSION_NAMES as string[]).includes(value)) return value as GroupDimension;
  throw new AppError("invalid_input", `Group by one of: ${GROUP_DIMENSION_NAMES.join(", ")}.`, {
    fields: { by: ["Unknown grouping."] },
  });
}

/** Everything the Costs page shows, for the viewer's scope: headline, charts, breakdown, reasons, one grouped table. */
export async function getCostReport({ ctx, input }: { ctx: Ctx; input: Record<string, unknown> }): Promise<CostReport> {
  const { by, ...rest } = input;
  const groupBy = parseGroupBy(by);
  const { filters, scope } = await costQuery(ctx, rest);
  const [totals, series, breakdown, reasons, groups, options] = await Promise.all([
    costTotals(ctx.db, filters, scope),
    costSeries(ctx.db, filters, scope),
    costBreakdown(ctx.db, filters, scope),
    topRejectReasons(ctx.db, filters, scope),
    costGroups(ctx.db, filters, scope, groupBy),
    costFilterOptions(ctx.db, scope),
  ]);
  return {
    filters,
    params: filtersToParams(filters),
    scope,
    filtered: hasDimensionFilter(filters) || scope.kind !== "all",
    totals,
    series,
    breakdown,
    reasons,
    groupBy,
    groups,
    options,
  };
}

export type OperationsReport = {
  filters: CostFilters;
  params: Record<string, string>;
  perHour: Awaited<ReturnType<typeof generationsPerHour>>;
  blocks: Awaited<ReturnType<typeof blockRate>>;
  latency: Awaited<ReturnType<typeof providerLatency>>;
  errors: Awaited<ReturnType<typeof errorCounts>>;
  queue: Awaited<ReturnType<typeof queueDepth>>;
  deadLetters: Awaited<ReturnType<typeof deadLetters>>;
  providers: CostFilterOptions["providers"];
};

export function assertOperations(ctx: Ctx): void {
  if (!can(ctx.actor.role, "costs.operations"))
    throw new AppError("forbidden", "Only admins see the operations figures.");
}

/** The Operations tab (admins): throughput, blocks, latency, errors, queue depth, parked work. */
export async function getOperationsReport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<OperationsReport> {
  assertOperations(ctx);
  const filters = parseCostFilters(input);
  const [perHour, blocks, latency, errors, queue, parked, options] = await Promise.all([
    generationsPerHour(ctx.db, filters),
    blockRate(ctx.db, filters),
    providerLatency(ctx.db, filters),
    errorCounts(ctx.db, filters),
    queueDepth(ctx.db, filters),
    deadLetters(ctx.db, filters),
    costFilterOptions(ctx.db, { kind: "all" }),
  ]);
  return {
    filters,
    params: filtersToParams(filters),
    perHour,
    blocks,
    latency,
    errors,
    queue,
    deadLetters: parked,
    providers: options.providers,
  };
}
