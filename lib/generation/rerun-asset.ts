import { randomInt } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import {
  assets,
  batches,
  generations,
  presets,
  presetVersions,
  providers,
  templates,
  templateVersions,
  type Batch,
  type BatchSettings,
} from "@/db/schema";
import { loadActionableAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { budgetRefusal, checkBudgets } from "@/lib/budgets/queue-check";
import { env } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import { referenceUnsupportedMessage, supportsReferenceImage } from "@/lib/providers/reference-image";
import { variablesSchema } from "@/lib/templates/render";
import { estimateGenerations } from "./estimate";
import { findBatchByKey, insertBatch } from "./insert-batch";
import { screenOrRefuse, type PlannedGeneration } from "./plan-batch";
import { assertWithinQuota } from "./quota";

export const rerunInput = z.object({
  assetId: z.string().uuid("Unknown asset."),
  seed: z.enum(["same", "new"], { error: "Choose the same seed or a new one." }).default("same"),
  idempotencyKey: z.string().min(8, "Missing request key; reload the page.").max(100),
});
export type RerunInput = z.input<typeof rerunInput>;

/** Everything a rerun copies from the asset's generation, with the versions that made it and the ones active now. */
async function loadRerunSource(ctx: Ctx, assetId: string) {
  if (!can(ctx.actor.role, "generations.create"))
    throw new AppError("forbidden", "Only designers and admins queue generations.");
  // The owner's rule: a board shared with the actor's team shows an asset but gives no right to rerun it.
  const asset = await loadActionableAsset(ctx, assetId);
  if (asset.source !== "generated" || !asset.generationId)
    throw new AppError(
      "invalid_input",
      "This image was uploaded, not generated, so there is nothing to rerun. Use it as a reference image on Generate instead.",
    );
  const [row] = await ctx.db
    .select({
      gen: generations,
      batch: batches,
      presetVersion: presetVersions,
      preset: presets,
      provider: providers,
      templateVersion: templateVersions,
      template: templates,
    })
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
    .innerJoin(presets, eq(presets.id, presetVersions.presetId))
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .innerJoin(templateVersions, eq(templateVersions.id, generations.templateVersionId))
    .innerJoin(templates, eq(templates.id, templateVersions.templateId))
    .where(eq(generations.id, asset.generationId))
    .limit(1);
  if (!row) throw new AppError("not_found", "The generation that made this asset no longer exists.");
  const [activePreset] = await ctx.db
    .select({ version: presetVersions.version })
    .from(presetVersions)
    .where(eq(presetVersions.id, row.preset.activeVersionId ?? row.presetVersion.id));
  const [activeTemplate] = await ctx.db
    .select({ version: templateVersions.version })
    .from(templateVersions)
    .where(eq(templateVersions.id, row.template.activeVersionId ?? row.templateVersion.id));
  return {
    asset,
    ...row,
    activePresetVersion: activePreset?.version ?? null,
    activeTemplateVersion: activeTemplate?.version ?? null,
  };
}

type Source = Awaited<ReturnType<typeof loadRerunSource>>;

/** "v3" or "v3 (active is v4)": a rerun uses the version that made the asset even when a newer one is active. */
function versionLabel(name: string, version: number, active: number | null): string {
  return active !== null && active !== version ? `${name} v${version} (active is v${active})` : `${name} v${version}`;
}

/** Why the rerun cannot run as it was made, or a warning it will wait; null when it can run now. */
function runnability(s: Source): { blocker: string | null; warning: string | null } {
  const reference = referenceOf(s);
  if (reference && !supportsReferenceImage(s.provider.kind))
    return { blocker: referenceUnsupportedMessage(s.provider.name), warning: null };
  const values = variablesSchema(s.templateVersion.definition).safeParse(s.gen.values);
  if (!values.success)
    return {
      blocker: `The values no longer fit ${s.template.name} v${s.templateVersion.version}: ${values.error.issues[0]?.message ?? "invalid"}.`,
      warning: null,
    };
  if (s.provider.paused)
    return {
      blocker: null,
      warning: `${s.provider.name} is paused by an admin${s.provider.pausedReason ? ` (${s.provider.pausedReason})` : ""}: the rerun is queued and waits until it is resumed.`,
    };
  return { blocker: null, warning: null };
}

/** The reference image the origin started from, and its strength (kept on the batch and in the generation's params). */
function referenceOf(s: Pick<Source, "gen" | "batch">): { versionId: string; strength: number } | null {
  if (!s.gen.referenceVersionId) return null;
  const strength = s.gen.metadata?.params.referenceStrength ?? s.batch.settings.reference?.strength;
  return { versionId: s.gen.referenceVersionId, strength: strength ?? 0.6 };
}

function describe(s: Source) {
  return {
    assetId: s.asset.id,
    template: versionLabel(s.template.name, s.templateVersion.version, s.activeTemplateVersion),
    preset: versionLabel(s.preset.name, s.presetVersion.version, s.activePresetVersion),
    provider: { name: s.provider.name, isSimulator: s.provider.isSimulator, paused: s.provider.paused },
    size: `${s.gen.width}×${s.gen.height}`,
    seed: s.gen.seed,
    values: s.gen.values,
    campaign: s.batch.campaign,
    reference: referenceOf(s),
  };
}

/**
 * What "Rerun" would queue and cost, shown before anything is queued: the same template version,
 * preset version, values, size (and seed, or a new one), with the budgets' headroom and anything
 * that stops it (a reference image the endpoint cannot take) or makes it wait (a paused endpoint).
 */
export async function estimateRerun({ ctx, input }: { ctx: Ctx; input: { assetId: string } }) {
  const s = await loadRerunSource(ctx, input.assetId);
  const estimate = estimateGenerations([
    {
      width: s.gen.width,
      height: s.gen.height,
      preset: { preset: s.preset, version: s.presetVersion, provider: s.provider },
    },
  ]);
  const budgets = await checkBudgets(ctx.db, {
    campaign: s.batch.campaign,
    userId: ctx.actor.id,
    micros: estimate.micros,
    images: 1,
  });
  const refusal = budgetRefusal(budgets, { micros: estimate.micros, images: 1 });
  const { blocker, warning } = runnability(s);
  return {
    ...describe(s),
    estimate,
    budgets: { headroom: budgets.headroom, refusal: refusal?.message ?? null },
    blocker,
    warning,
  };
}

export type RerunEstimate = Awaited<ReturnType<typeof estimateRerun>>;

/**
 * Queues the asset again exactly: a one-generation batch (source "rerun") with the origin's
 * template version and preset version even when newer ones are active, its values, carried
 * columns, title, size and reference image, the same seed or a fresh one, linked to the origin
 * (generations.origin_asset_id; the new asset copies it). It goes through the same gates as
 * Generate: quota, banned terms (today's list), budgets, idempotency per user and key; paused
 * endpoints make it wait like any queued work. The caller starts the batch (startBatch).
 */
export async function rerunAsset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RerunInput;
}): Promise<{ batch: Batch; generationId: string; created: boolean }> {
  const data = parseInput(rerunInput, input);
  const existing = await findBatchByKey(ctx, data.idempotencyKey);
  if (existing) return { batch: existing, generationId: await firstGeneration(ctx, existing.id), created: false };
  const s = await loadRerunSource(ctx, data.assetId);
  const { blocker } = runnability(s);
  if (blocker) throw new AppError("invalid_input", blocker);

  await assertWithinQuota(ctx, 1, env().KILN_USER_DAILY_IMAGE_QUOTA);
  // Today's banned terms apply: a prompt allowed last month may not be allowed now.
  await screenOrRefuse(ctx, [{ line: s.gen.rowLine, values: s.gen.values, prompt: s.gen.prompt }], true);
  const preset = { preset: s.preset, version: s.presetVersion, provider: s.provider };
  const estimate = estimateGenerations([{ width: s.gen.width, height: s.gen.height, preset }]);
  const budgets = await checkBudgets(ctx.db, {
    campaign: s.batch.campaign,
    userId: ctx.actor.id,
    micros: estimate.micros,
    images: 1,
  });
  const refusal = budgetRefusal(budgets, { micros: estimate.micros, images: 1 });
  if (refusal) throw refusal;

  const batchId = crypto.randomUUID();
  const reference = referenceOf(s);
  const generation: PlannedGeneration = {
    id: crypto.randomUUID(),
    batchId,
    ownerId: ctx.actor.id,
    rowLine: 1,
    variantIndex: 0,
    tier: s.preset.tier,
    presetVersionId: s.presetVersion.id,
    templateVersionId: s.templateVersion.id,
    values: s.gen.values,
    carriedColumns: s.gen.carriedColumns,
    title: s.gen.title,
    prompt: s.gen.prompt,
    negativePrompt: s.gen.negativePrompt,
    seed: data.seed === "same" ? s.gen.seed : randomInt(0, 2_147_483_647),
    width: s.gen.width,
    height: s.gen.height,
    originAssetId: s.asset.id,
    referenceVersionId: reference?.versionId ?? null,
  };
  const settings: BatchSettings = {
    variantsPerRow: 1,
    aspectRatios: [{ width: s.gen.width, height: s.gen.height }],
    ...(reference ? { reference } : {}),
  };
  const label = s.asset.title || s.gen.title || `${s.batch.name}, row ${s.gen.rowLine}`;
  const queued = await insertBatch(ctx, {
    id: batchId,
    idempotencyKey: data.idempotencyKey,
    name: `Rerun of ${label}`.slice(0, 200),
    campaign: s.batch.campaign,
    templateVersionId: s.templateVersion.id,
    source: "rerun",
    estimate,
    settings,
    planned: [generation],
    audit: {
      template: s.template.slug,
      originAssetId: s.asset.id,
      seed: data.seed,
      presetVersionId: s.presetVersion.id,
    },
  });
  return { ...queued, generationId: queued.created ? generation.id! : await firstGeneration(ctx, queued.batch.id) };
}

async function firstGeneration(ctx: Ctx, batchId: string): Promise<string> {
  const [g] = await ctx.db
    .select({ id: generations.id })
    .from(generations)
    .where(eq(generations.batchId, batchId))
    .limit(1);
  return g!.id;
}

/** The asset this one reruns, and the reruns of it (newest first), for the asset page's links. */
export async function rerunLinks(ctx: Ctx, asset: { id: string; originAssetId: string | null }) {
  const [origin] = asset.originAssetId
    ? await ctx.db
        .select({
          id: assets.id,
          title: assets.title,
          status: assets.status,
          ownerId: assets.ownerId,
          createdAt: assets.createdAt,
        })
        .from(assets)
        .where(eq(assets.id, asset.originAssetId))
    : [];
  const reruns = await ctx.db
    .select({
      id: assets.id,
      title: assets.title,
      status: assets.status,
      ownerId: assets.ownerId,
      createdAt: assets.createdAt,
    })
    .from(assets)
    .where(and(eq(assets.originAssetId, asset.id)))
    .orderBy(desc(assets.createdAt))
    .limit(50);
  // Queued reruns that have no asset yet (still generating), so the page can say so.
  const pending = await ctx.db
    .select({ batchId: generations.batchId, status: generations.status, ownerId: generations.ownerId })
    .from(generations)
    .where(and(eq(generations.originAssetId, asset.id)))
    .orderBy(desc(generations.createdAt))
    .limit(50);
  const sees = (ownerId: string) => seesAssetOwnedBy(ctx, ownerId);
  return {
    origin:
      origin && sees(origin.ownerId)
        ? { id: origin.id, title: origin.title, status: origin.status, createdAt: origin.createdAt.toISOString() }
        : null,
    reruns: reruns
      .filter((r) => sees(r.ownerId))
      .map((r) => ({ id: r.id, title: r.title, status: r.status, createdAt: r.createdAt.toISOString() })),
    generating: pending.filter((p) => sees(p.ownerId) && (p.status === "queued" || p.status === "running")).length,
  };
}
