import { bannedTerms, generations, type Tier } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { budgetRefusal, checkBudgets } from "@/lib/budgets/queue-check";
import type { Ctx } from "@/lib/auth/context";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { screenText } from "@/lib/moderation/screen";
import { generationTitle, variantSuffix } from "@/lib/assets/title";
import { applyValueMap, checkValueMap } from "@/lib/batches/value-map";
import { renderTemplate, variablesSchema } from "@/lib/templates/render";
import { MAX_GENERATIONS_PER_BATCH, type BatchRequest } from "./batch-input";
import { getActiveTemplate, listActivePresets, type ActivePreset } from "./catalog";
import { estimateGenerations, type Estimate } from "./estimate";
import { measuredGpuTimes } from "./measured-gpu-time";
import { assertWithinQuota } from "./quota";
import { resolveReferenceImage } from "./reference-image";
import { seedFor, sizeFor } from "./sizes";

export type PlannedGeneration = typeof generations.$inferInsert;

/**
 * Everything about a batch that can be known before it is written: every row validated against
 * the template's typed variables, rendered (user text only through variables), screened against
 * the banned terms, sized per aspect ratio and priced. Estimating and queueing share it.
 */
export async function planBatch(ctx: Ctx, q: BatchRequest, options: { auditBlocks: boolean; enforceBudgets: boolean }) {
  const { template, version: templateVersion } = await getActiveTemplate(ctx.db, q.templateId);
  const presets = await listActivePresets(ctx.db);
  const chosen = presets.find((p) => p.preset.id === q.presetId);
  if (!chosen) throw new AppError("not_found", "That preset does not exist.");
  const presetFor = (tier: Tier | undefined): ActivePreset => {
    if (!tier || tier === chosen.preset.tier) return chosen;
    const match = presets.find((p) => p.preset.tier === tier);
    if (!match) throw new AppError("invalid_input", `No preset exists for the ${tier} tier.`);
    return match;
  };

  // The value map is checked against this template (never a list the browser sent) and applied here:
  // the browser sends each row's values as written in the file.
  const valueMap = checkValueMap(templateVersion.definition, q.valueMap);
  const rows: BatchRequest["rows"] = [];
  const leftOut: { line: number; reasons: string[]; values: Record<string, string> }[] = [];
  for (const row of q.rows) {
    const mapped = applyValueMap(templateVersion.definition, valueMap, row.values);
    if (mapped.values) rows.push({ ...row, values: mapped.values });
    else leftOut.push({ line: row.line, reasons: [mapped.skipped], values: fileCells(row.values, row.carried) });
  }
  if (rows.length === 0)
    throw new AppError("invalid_input", "Every row is left out by the value mapping; there is nothing to generate.");

  const total = rows.length * q.variantsPerRow * q.aspectRatios.length;
  if (total > MAX_GENERATIONS_PER_BATCH) {
    throw new AppError(
      "invalid_input",
      `That is ${total.toLocaleString("en-US")} images; one batch holds at most ${MAX_GENERATIONS_PER_BATCH.toLocaleString("en-US")}.`,
    );
  }

  await assertWithinQuota(ctx, total, env().KILN_USER_DAILY_IMAGE_QUOTA);

  const schema = variablesSchema(templateVersion.definition);
  const rowErrors: Record<string, string[]> = {};
  const variableNames = new Set(templateVersion.definition.variables.map((v) => v.name));
  const rendered: {
    line: number;
    tier?: Tier;
    values: Record<string, string | number>;
    carried: Record<string, string>;
    prompt: string;
    negativePrompt: string;
  }[] = [];
  for (const row of rows) {
    const values = schema.safeParse(row.values);
    if (!values.success) {
      rowErrors[`line ${row.line}`] = values.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`);
      continue;
    }
    // A carried column named like a variable would make `{{name}}` in a title ambiguous; the browser renames them.
    const clash = Object.keys(row.carried ?? {}).find((k) => variableNames.has(k));
    if (clash) {
      rowErrors[`line ${row.line}`] = [`carried column "${clash}" has the name of a template variable; rename it`];
      continue;
    }
    const out = renderTemplate(templateVersion.definition, values.data);
    rendered.push({
      line: row.line,
      tier: row.tier,
      values: values.data as Record<string, string | number>,
      carried: row.carried ?? {},
      prompt: out.prompt,
      negativePrompt: out.negativePrompt,
    });
  }
  const bad = Object.entries(rowErrors);
  if (bad.length)
    throw new AppError(
      "invalid_input",
      `${bad.length} row(s) are not valid — line ${bad[0]![0].slice(5)}: ${bad[0]![1][0]}`,
      { fields: rowErrors },
    );

  await screenOrRefuse(ctx, rendered, options.auditBlocks);
  const usedPresets = [...new Set(rendered.map((r) => presetFor(r.tier)))];
  const reference = await resolveReferenceImage(
    ctx,
    q.reference,
    usedPresets.map((p) => p.provider),
  );

  const batchId = crypto.randomUUID();
  const planned: PlannedGeneration[] = [];
  for (const r of rendered) {
    const preset = presetFor(r.tier);
    q.aspectRatios.forEach((ratio, ri) => {
      for (let v = 0; v < q.variantsPerRow; v += 1) {
        const variantIndex = ri * q.variantsPerRow + v;
        const { width, height } = sizeFor(ratio, preset.version.params);
        const suffix = variantSuffix({
          variant: v,
          variantsPerRow: q.variantsPerRow,
          ratio,
          ratioCount: q.aspectRatios.length,
        });
        planned.push({
          batchId,
          ownerId: ctx.actor.id,
          rowLine: r.line,
          variantIndex,
          tier: preset.preset.tier,
          presetVersionId: preset.version.id,
          templateVersionId: templateVersion.id,
          values: r.values,
          carriedColumns: r.carried,
          title: generationTitle({
            pattern: templateVersion.definition.titlePattern,
            values: r.values,
            carried: r.carried,
            suffix,
          }),
          prompt: r.prompt,
          negativePrompt: r.negativePrompt,
          seed: seedFor(batchId, r.line, variantIndex),
          referenceVersionId: reference?.versionId ?? null,
          width,
          height,
        });
      }
    });
  }
  const byVersion = new Map(presets.map((p) => [p.version.id, p]));
  // Per-GPU-second prices are estimated from the time this endpoint really took (recent runs), not the preset's guess.
  const timed = presets.filter((p) => p.version.priceModel.kind === "per_gpu_second").map((p) => p.version.id);
  const measured = timed.length ? await measuredGpuTimes(ctx.db, timed) : new Map();
  const estimate: Estimate = estimateGenerations(
    planned.map((g) => ({ width: g.width, height: g.height, preset: byVersion.get(g.presetVersionId)! })),
    measured,
  );
  // Every applicable budget (the campaign's, the user's team's, the user's) against this batch:
  // queueing refuses what does not fit; the estimate only reports what is left.
  const budgets = await checkBudgets(ctx.db, {
    campaign: q.campaign || null,
    userId: ctx.actor.id,
    micros: estimate.micros,
    images: total,
  });
  const refusal = budgetRefusal(budgets, { micros: estimate.micros, images: total });
  if (refusal && options.enforceBudgets) throw refusal;
  return {
    batchId,
    template,
    templateVersion,
    chosen,
    planned,
    estimate,
    total,
    samplePrompt: rendered[0]?.prompt ?? "",
    sampleTitle: planned[0]?.title ?? "",
    budgets: { headroom: budgets.headroom, refusal: refusal?.message ?? null },
    reference,
    /** Rows queued (after the value map) and rows the value map left out, with why. */
    rows,
    leftOut,
  };
}

/** What the server knows of a row's file cells: its variable values and carried columns, as text. */
function fileCells(
  values: Record<string, unknown>,
  carried: Record<string, string> | undefined,
): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === "string" || typeof v === "number") cells[k] = String(v);
  return { ...cells, ...carried };
}

/** Refuses the whole request, naming the line and category, if any prompt or value is banned. */
export async function screenOrRefuse(
  ctx: Ctx,
  rows: { line: number; values: Record<string, unknown>; prompt: string }[],
  audit: boolean,
) {
  const terms = await ctx.db.select({ term: bannedTerms.term, category: bannedTerms.category }).from(bannedTerms);
  if (terms.length === 0) return;
  for (const r of rows) {
    const result = screenText({ terms, texts: [r.prompt, ...Object.values(r.values).map(String)] });
    if (!result.blocked) continue;
    const categories = [...new Set(result.matches.map((m) => m.category))];
    if (audit) {
      await recordAudit({
        db: ctx.db,
        input: {
          actor: ctx.actor,
          action: "generation.blocked",
          data: { line: r.line, categories, terms: result.matches.map((m) => m.term) },
          ip: ctx.ip,
        },
      });
    }
    throw new AppError(
      "policy_blocked",
      `Blocked before any GPU time: line ${r.line} contains a banned term (category: ${categories.join(", ")}). Change the wording and try again.`,
    );
  }
}
