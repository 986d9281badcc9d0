import { and, eq } from "drizzle-orm";
import { batches, generations, type Batch, type BatchSettings, type SkippedRow } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { announceAfterQueue } from "@/lib/budgets/queue-check";
import type { PlannedGeneration } from "./plan-batch";

export type BatchToInsert = {
  id: string;
  idempotencyKey: string;
  name: string;
  campaign: string | null;
  templateVersionId: string;
  /** "form" | "csv" | "rerun" */
  source: string;
  estimate: { micros: number; seconds: number };
  settings: BatchSettings;
  planned: PlannedGeneration[];
  /** CSV rows the server left out, kept with the batch (lib/generation/skipped-rows.ts). */
  skipped?: { rows: SkippedRow[]; count: number };
  /** Extra fields of the batch.queued audit entry (template slug, the rerun's origin, …). */
  audit: Record<string, unknown>;
};

/**
 * Writes a planned batch in one transaction (batch + one row per generation + audit). The
 * idempotency key makes a double click or a retried request queue once: the second call, or a
 * concurrent one that lost the insert, gets the first batch back. Shared by Generate and rerun.
 */
export async function insertBatch(ctx: Ctx, b: BatchToInsert): Promise<{ batch: Batch; created: boolean }> {
  const queued = await ctx.db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(batches)
      .values({
        id: b.id,
        ownerId: ctx.actor.id,
        idempotencyKey: b.idempotencyKey,
        name: b.name,
        campaign: b.campaign,
        templateVersionId: b.templateVersionId,
        source: b.source,
        total: b.planned.length,
        estimateMicros: b.estimate.micros,
        estimateSeconds: b.estimate.seconds,
        settings: b.settings,
        ...(b.skipped ? { skippedRows: b.skipped.rows, skippedCount: b.skipped.count } : {}),
      })
      .onConflictDoNothing()
      .returning();
    // A concurrent request with the same key won the race: hand back its batch.
    if (!batch) return { batch: (await findBatchByKey({ ...ctx, db: tx }, b.idempotencyKey))!, created: false };
    for (let i = 0; i < b.planned.length; i += 500) await tx.insert(generations).values(b.planned.slice(i, i + 500));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "batch.queued",
        subject: { type: "batch", id: batch.id },
        data: { total: b.planned.length, estimateMicros: b.estimate.micros, ...b.audit },
        ip: ctx.ip,
      },
    });
    return { batch, created: true };
  });
  // An image quota this batch pushed past its alert level is announced now, not at the first call.
  if (queued.created) await announceAfterQueue(ctx.db, { campaign: queued.batch.campaign, userId: ctx.actor.id });
  return queued;
}

export async function findBatchByKey(ctx: Pick<Ctx, "db" | "actor">, key: string): Promise<Batch | undefined> {
  const [row] = await ctx.db
    .select()
    .from(batches)
    .where(and(eq(batches.ownerId, ctx.actor.id), eq(batches.idempotencyKey, key)))
    .limit(1);
  return row;
}
