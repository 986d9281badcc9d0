import type { Batch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { batchRequestSchema, queueRequestSchema } from "./batch-input";
import { findBatchByKey, insertBatch } from "./insert-batch";
import { planBatch } from "./plan-batch";
import { keptSkippedRows, type SkippedRowInput } from "./skipped-rows";
import { sizeFor } from "./sizes";

/**
 * Queues a batch in one transaction (batch + one row per generation). The idempotency key makes a
 * double click or a retried request queue once: the second call returns the first batch.
 */
export async function queueBatch({
  ctx,
  input,
  skipped = [],
}: {
  ctx: Ctx;
  input: unknown;
  /** CSV rows the server left out (the API's upload), recorded with the batch so they can be shown later. */
  skipped?: SkippedRowInput[];
}): Promise<{ batch: Batch; created: boolean }> {
  const q = parseInput(queueRequestSchema, input);
  const existing = await findBatchByKey(ctx, q.idempotencyKey);
  if (existing) return { batch: existing, created: false };
  const plan = await planBatch(ctx, q, { auditBlocks: true, enforceBudgets: true });
  const carried = carriedKeys(plan.rows);
  // The caller's skipped rows (the API's upload), the browser's, and the rows the value map left out.
  skipped = [...skipped, ...(q.skipped ?? []), ...plan.leftOut];

  return insertBatch(ctx, {
    id: plan.batchId,
    idempotencyKey: q.idempotencyKey,
    name: q.name || `${plan.template.name} — ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
    campaign: q.campaign || null,
    templateVersionId: plan.templateVersion.id,
    source: q.source,
    estimate: plan.estimate,
    settings: {
      variantsPerRow: q.variantsPerRow,
      aspectRatios: q.aspectRatios.map((r) => sizeFor(r, plan.chosen.version.params)),
      ...(plan.reference
        ? { reference: { versionId: plan.reference.versionId, strength: plan.reference.strength } }
        : {}),
    },
    planned: plan.planned,
    ...(skipped.length ? { skipped: keptSkippedRows(skipped) } : {}),
    audit: {
      template: plan.template.slug,
      ...(plan.reference ? { referenceVersionId: plan.reference.versionId } : {}),
      // Which CSV columns travel as metadata (names only; the values are on the generations).
      ...(carried.length ? { carriedColumns: carried } : {}),
      ...(skipped.length ? { skippedRows: skipped.length } : {}),
    },
  });
}

/** The estimate shown before Queue: the same plan, nothing written, blocks not audited. */
export async function estimateBatch({ ctx, input }: { ctx: Ctx; input: unknown }) {
  const q = parseInput(batchRequestSchema, input);
  const plan = await planBatch(ctx, q, { auditBlocks: false, enforceBudgets: false });
  return {
    ...plan.estimate,
    rows: plan.rows.length,
    samplePrompt: plan.samplePrompt,
    sampleTitle: plan.sampleTitle,
    preset: {
      name: plan.chosen.preset.name,
      tier: plan.chosen.preset.tier,
      isSimulator: plan.chosen.provider.isSimulator,
    },
    /** What each applicable budget has left, and the refusal Queue would meet (shown before pressing it). */
    budgets: plan.budgets,
    /** The reference image the generations start from, when one was chosen. */
    reference: plan.reference,
  };
}

function carriedKeys(rows: { carried?: Record<string, string> }[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.carried ?? {})))].slice(0, 30);
}
