import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { assets, checkRuns, presets, presetVersions } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { thresholdsSchema } from "@/lib/presets/schemas";
import { TIERS, type Tier } from "@/lib/presets";
import type { BlobStore } from "@/lib/storage/types";
import { decide } from "./policy";
import { ALL_CHECKS, checksForTier, getCheck } from "./registry";
import { loadCheckInput, runOneCheck } from "./run-checks";
import { effectiveThresholds, unknownThresholdKeys } from "./thresholds";
import { checkResults } from "@/db/schema";
import { createPresetVersion } from "@/lib/presets/versions";

function assertAdmin(ctx: Ctx) {
  if (ctx.actor.role !== "admin") throw new AppError("forbidden", "Only admins manage the checks.");
}

/** The checks Kiln has, with their tier defaults (the admin page's reference table). */
export function listCheckCatalog() {
  return ALL_CHECKS.map((c) => ({
    id: c.id,
    version: c.version,
    group: c.group,
    label: c.label,
    description: c.description,
    defaults: Object.fromEntries(TIERS.map((t) => [t, c.defaults[t] ?? null])) as Record<
      Tier,
      Record<string, number> | null
    >,
  }));
}

/** Each active preset with the thresholds in force, and how its recent assets stand. */
export async function listPresetThresholds({ ctx }: { ctx: Ctx }) {
  assertAdmin(ctx);
  const rows = await ctx.db
    .select({ preset: presets, version: presetVersions })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .orderBy(presets.tier, presets.name);
  const counts = await ctx.db
    .select({ presetId: presetVersions.presetId, status: assets.status, n: sql<number>`count(*)::int` })
    .from(assets)
    .innerJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
    .groupBy(presetVersions.presetId, assets.status);
  return rows.map(({ preset, version }) => ({
    id: preset.id,
    name: preset.name,
    slug: preset.slug,
    tier: preset.tier,
    version: version.version,
    overrides: version.checkThresholds,
    effective: effectiveThresholds(checksForTier(preset.tier), preset.tier, version.checkThresholds),
    unknownKeys: unknownThresholdKeys(ALL_CHECKS, version.checkThresholds),
    rerollLimit: version.rerollLimit,
    statusCounts: Object.fromEntries(
      counts.filter((c) => c.presetId === preset.id).map((c) => [c.status, c.n]),
    ) as Record<string, number>,
  }));
}

const PREVIEW_SAMPLE = 40;
const previewInput = z.object({ presetId: z.string().uuid("Unknown preset."), thresholds: thresholdsSchema });

export type ThresholdPreview = {
  sampled: number;
  changedChecks: string[];
  changes: { assetId: string; from: string; to: string; reason: string | null }[];
  unchanged: number;
};

/**
 * How many of the preset's recent assets would change verdict under proposed thresholds: the
 * checks whose thresholds change run again on each sampled image (the others keep their stored
 * result), and the decision is made as the pipeline would make it.
 */
export async function previewThresholds({
  ctx,
  input,
  store,
}: {
  ctx: Ctx;
  input: unknown;
  store: BlobStore;
}): Promise<ThresholdPreview> {
  assertAdmin(ctx);
  const { presetId, thresholds } = parseInput(previewInput, input);
  const [row] = await ctx.db
    .select({ preset: presets, version: presetVersions })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .where(eq(presets.id, presetId))
    .limit(1);
  if (!row) throw new AppError("not_found", "That preset does not exist.");
  const tier = row.preset.tier;
  const checks = checksForTier(tier);
  const before = effectiveThresholds(checks, tier, row.version.checkThresholds);
  const after = effectiveThresholds(checks, tier, thresholds);
  const changedChecks = checks
    .filter((c) => Object.keys(after).some((k) => k.startsWith(`${c.id}.`) && after[k] !== before[k]))
    .map((c) => c.id);

  const sample = await ctx.db
    .select({
      assetId: assets.id,
      versionId: assets.currentVersionId,
      runId: checkRuns.id,
      verdict: checkRuns.verdict,
      status: assets.status,
    })
    .from(assets)
    .innerJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
    .innerJoin(checkRuns, and(eq(checkRuns.assetVersionId, assets.currentVersionId), eq(checkRuns.status, "decided")))
    .where(and(eq(presetVersions.presetId, presetId), isNotNull(assets.currentVersionId)))
    .orderBy(desc(assets.createdAt), desc(checkRuns.createdAt))
    .limit(PREVIEW_SAMPLE * 3);
  const latest = [...new Map(sample.map((s) => [s.assetId, s])).values()].slice(0, PREVIEW_SAMPLE);
  const stored = latest.length
    ? await ctx.db
        .select()
        .from(checkResults)
        .where(
          inArray(
            checkResults.checkRunId,
            latest.map((l) => l.runId),
          ),
        )
    : [];

  const changes: ThresholdPreview["changes"] = [];
  for (const item of latest) {
    const results = new Map(
      stored
        .filter((r) => r.checkRunId === item.runId)
        .map((r) => [
          r.checkId,
          {
            checkId: r.checkId,
            group: getCheck(r.checkId)?.group ?? ("quality" as const),
            verdict: r.verdict,
            reasonCode: r.reasonCode,
            error: r.error,
          },
        ]),
    );
    if (changedChecks.length) {
      const { image, prepareError, context } = await loadCheckInput(ctx.db, store, {
        assetVersionId: item.versionId!,
        thresholds: after,
        checkIds: changedChecks,
      });
      for (const id of changedChecks) {
        const { check, outcome, error } = await runOneCheck(id, image, prepareError, context);
        results.set(id, {
          checkId: id,
          group: check?.group ?? "quality",
          verdict: outcome?.verdict ?? "warn",
          reasonCode: outcome?.reasonCode ?? null,
          error,
        });
      }
    }
    const next = decide(tier, [...results.values()]);
    if (next.verdict !== item.verdict)
      changes.push({ assetId: item.assetId, from: item.verdict ?? "—", to: next.verdict, reason: next.reasonCode });
  }
  return { sampled: latest.length, changedChecks, changes, unchanged: latest.length - changes.length };
}

const saveInput = z.object({
  presetId: z.string().uuid("Unknown preset."),
  thresholds: thresholdsSchema,
  note: z.string().max(500).optional(),
});

/** New thresholds become a new preset version (everything else copied from the active one), so they are versioned and can be rolled back. */
export async function saveThresholds({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertAdmin(ctx);
  const { presetId, thresholds, note } = parseInput(saveInput, input);
  const [row] = await ctx.db
    .select({ version: presetVersions })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .where(eq(presets.id, presetId))
    .limit(1);
  if (!row) throw new AppError("not_found", "That preset does not exist.");
  const v = row.version;
  return createPresetVersion({
    ctx,
    input: {
      presetId,
      providerId: v.providerId,
      model: v.model,
      loras: v.loras,
      params: v.params,
      priceModel: v.priceModel,
      checkThresholds: thresholds,
      rerollLimit: v.rerollLimit,
      note: note || "Check thresholds changed on the Checks page",
    },
  });
}
