import { z } from "zod";
import { TIERS } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { costQuery, GROUP_DIMENSION_NAMES } from "@/lib/costs/report";
import { costGroups } from "@/lib/costs/report/groups";
import { costTotals } from "@/lib/costs/report/totals";
import { registerRoute } from "../openapi";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31.")
  .optional();

export const costSummaryQuery = z.object({
  from: day.meta({ description: "First UTC day, inclusive (default: 29 days before `to`). At most 400 days." }),
  to: day.meta({ description: "Last UTC day, inclusive (default: today)." }),
  group_by: z
    .enum(GROUP_DIMENSION_NAMES as [string, ...string[]], {
      error: `Group by one of: ${GROUP_DIMENSION_NAMES.join(", ")}.`,
    })
    .optional()
    .meta({ description: "model, tier, preset, campaign, user or team; without it, the totals only." }),
  campaign: z.string().trim().max(200).optional(),
  team_id: z.string().uuid().optional(),
  user_id: z.string().uuid().optional().meta({ description: "The batch owner: whose work the spend was for." }),
  tier: z.enum(TIERS).optional(),
  preset_id: z.string().uuid().optional(),
  model: z.string().trim().max(200).optional(),
  provider_id: z.string().uuid().optional(),
});

const figures = {
  spend_micros: z
    .number()
    .int()
    .meta({ description: "Every provider call billed in the range (failed calls too, where billed)." }),
  calls: z.number().int(),
  approved_assets: z.number().int().meta({ description: "Generated assets approved in the range." }),
  rejected_assets: z.number().int(),
  cost_per_usable_asset_micros: z
    .number()
    .int()
    .nullable()
    .meta({
      description:
        "Spend on the assets' whole lineage (rejects, retries, re-rolls, edits) ÷ approved assets, rounded half up; null when none was approved.",
    }),
  reject_rate: z.number().nullable(),
  retry_rate: z.number().nullable(),
};

export const costSummarySchema = z
  .object({
    object: z.literal("cost_summary"),
    currency: z.literal("usd"),
    from: z.string(),
    to: z.string(),
    scope: z
      .enum(["all", "team", "own"])
      .meta({
        description:
          "What the token's owner may see: everything (finance, admins), their team's work, or only their own (no team).",
      }),
    totals: z.object({
      ...figures,
      attributed_micros: z
        .number()
        .int()
        .meta({ description: "Spend that belongs to an asset's lineage: what cost per usable asset divides." }),
      overhead_micros: z
        .number()
        .int()
        .meta({ description: "Spend that belongs to no lineage (e.g. GPU endpoint connection tests)." }),
    }),
    group_by: z.string().nullable(),
    groups: z.array(
      z.object({
        key: z.string().meta({ description: "The value, `~none` for unset, `~overhead` for unattributable spend." }),
        label: z.string(),
        ...figures,
      }),
    ),
  })
  .meta({ id: "CostSummary" });

export type ApiCostSummary = z.infer<typeof costSummarySchema>;

/** The Costs page's headline and one grouped table, for the token owner's scope (the same lib verbs and rules). */
export async function getApiCostSummary(ctx: Ctx, query: unknown): Promise<ApiCostSummary> {
  const q = parseInput(costSummaryQuery, query);
  const { filters, scope } = await costQuery(ctx, {
    from: q.from,
    to: q.to,
    campaign: q.campaign,
    teamId: q.team_id,
    userId: q.user_id,
    tier: q.tier,
    presetId: q.preset_id,
    model: q.model,
    providerId: q.provider_id,
  });
  const groupBy = q.group_by as (typeof GROUP_DIMENSION_NAMES)[number] | undefined;
  const [t, groups] = await Promise.all([
    costTotals(ctx.db, filters, scope),
    groupBy ? costGroups(ctx.db, filters, scope, groupBy) : [],
  ]);
  return {
    object: "cost_summary",
    currency: "usd",
    from: filters.from,
    to: filters.to,
    scope: scope.kind,
    totals: {
      spend_micros: t.spendMicros,
      attributed_micros: t.attributedMicros,
      overhead_micros: t.overheadMicros,
      calls: t.calls,
      approved_assets: t.approved,
      rejected_assets: t.rejected,
      cost_per_usable_asset_micros: t.costPerUsableMicros,
      reject_rate: t.rejectRate,
      retry_rate: t.retryRate,
    },
    group_by: groupBy ?? null,
    groups: groups.map((g) => ({
      key: g.key,
      label: g.label,
      spend_micros: g.spendMicros,
      calls: g.calls,
      approved_assets: g.approved,
      rejected_assets: g.rejected,
      cost_per_usable_asset_micros: g.costPerUsableMicros,
      reject_rate: g.rejectRate,
      retry_rate: g.retryRate,
    })),
  };
}

registerRoute({
  method: "get",
  path: "/api/v1/costs/summary",
  scope: "costs:read",
  summary: "Spend and cost per usable asset",
  description:
    "The Costs page's figures for a range of UTC days, optionally grouped. Finance and admins see every team; a designer sees their own team's work (or only their own without a team); asking for another team is a 403.",
  tags: ["Costs"],
  request: { query: costSummaryQuery },
  responses: { 200: { description: "The summary.", content: { "application/json": { schema: costSummarySchema } } } },
});
