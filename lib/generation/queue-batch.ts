import { and, eq } from "drizzle-orm";
import { batches, generations, type Batch } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { announceAfterQueue } from "@/lib/budgets/queue-check";
import { parseInput } from "@/lib/errors";
import { batchRequestSchema, queueRequestSchema } from "./batch-input";
import { planBatch } from "./plan-batch";
import { sizeFor } from "./sizes";

/**
 * Queues a batch in one transaction (batch + one row per generation). The idempotency key makes a
 * double click or a retried request queue once: the second call returns the first batch.
 */
export async function queueBatch({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ batch: Batch; created: boolean }> {
  const q = parseInput(queueRequestSchema, input);
  const existing = await findBatchByKey(ctx, q.idempotencyKey);
  if (existing) return { batch: existing, created: false };
  const plan = await planBatch(ctx, q, { auditBlocks: true, enforceBudgets: true });
  const carried = carriedKeys(q.rows);

  const queued = await ctx.db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(batches)
      .values({
        id: plan.batchId,
        ownerId: ctx.actor.id,
        idempotencyKey: q.idempotencyKey,
        name: q.name || `${plan.template.name} — ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
        campaign: q.campaign || null,
        templateVersionId: plan.templateVersion.id,
        source: q.source,
        total: plan.total,
        estimateMicros: plan.estimate.micros,
        estimateSeconds: plan.estimate.seconds,
        settings: { variantsPerRow: q.variantsPerRow, aspectRatios: q.aspectRatios.map((r) => sizeFor(r, plan.chosen.version.params)) },
      })
      .onConflictDoNothing()
      .returning();
    // A concurrent request with the same key won the race: hand back its batch.
    if (!batch) return { batch: (await findBatchByKey({ ...ctx, db: tx }, q.idempotencyKey))!, created: false };
    for (let i = 0; i < plan.planned.length; i += 500) await tx.insert(generations).values(plan.planned.slice(i, i + 500));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "batch.queued",
        subject: { type: "batch", id: batch.id },
        data: {
          total: plan.total,
          estimateMicros: plan.estimate.micros,
          template: plan.template.slug,
          // Which CSV columns travel as metadata (names only; the values are on the generations).
          ...(carried.length ? { carriedColumns: carried } : {}),
        },
        ip: ctx.ip,
      },
    });
    return { batch, created: true };
  });
  // An image quota this batch pushed past its alert level is announced now, not at the first call.
  if (queued.created) await announceAfterQueue(ctx.db, { campaign: queued.batch.campaign, userId: ctx.actor.id });
  return queued;
}

/** The estimate shown before Queue: the same plan, nothing written, blocks not audited. */
export async function estimateBatch({ ctx, input }: { ctx: Ctx; input: unknown }) {
  const q = parseInput(batchRequestSchema, input);
  const plan = await planBatch(ctx, q, { auditBlocks: false, enforceBudgets: false });
  return {
    ...plan.estimate,
    rows: q.rows.length,
    samplePrompt: plan.samplePrompt,
    sampleTitle: plan.sampleTitle,
    preset: { name: plan.chosen.preset.name, tier: plan.chosen.preset.tier, isSimulator: plan.chosen.provider.isSimulator },
    /** What each applicable budget has left, and the refusal Queue would meet (shown before pressing it). */
    budgets: plan.budgets,
  };
}

function carriedKeys(rows: { carried?: Record<string, string> }[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.carried ?? {})))].slice(0, 30);
}

async function findBatchByKey(ctx: Pick<Ctx, "db" | "actor">, key: string): Promise<Batch | undefined> {
  const [row] = await ctx.db
    .select()
    .from(batches)
    .where(and(eq(batches.ownerId, ctx.actor.id), eq(batches.idempotencyKey, key)))
    .limit(1);
  return row;
}
