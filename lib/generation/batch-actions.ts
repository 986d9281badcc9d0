import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { batches, generations } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { listQueuedGenerations } from "./batch-queries";

/** How lib/generation asks the engine for work; injected so lib/ does not depend on the client. */
export type GenerationSender = {
  batchQueued(batch: { batchId: string; userId: string; sendKey: string }): Promise<void>;
  generationsRequested(
    items: { generationId: string; batchId: string; providerId: string; userId: string; attempts: number }[],
  ): Promise<void>;
  batchCancelled(batchId: string): Promise<void>;
};

const batchIdInput = z.object({ batchId: z.string().uuid("Unknown batch.") });
const retryInput = z.object({ batchId: z.string().uuid("Unknown batch."), generationId: z.string().uuid().optional() });

async function ownBatch(ctx: Ctx, batchId: string) {
  const [batch] = await ctx.db.select().from(batches).where(eq(batches.id, batchId)).limit(1);
  if (!batch || (batch.ownerId !== ctx.actor.id && ctx.actor.role !== "admin"))
    throw new AppError("not_found", "That batch does not exist or is not yours.");
  return batch;
}

/** Stops a batch: queued work is cancelled at once, running calls are cancelled by the engine. */
export async function cancelBatch({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: unknown;
  send: GenerationSender;
}): Promise<void> {
  const { batchId } = parseInput(batchIdInput, input);
  const batch = await ownBatch(ctx, batchId);
  if (batch.status === "completed" || batch.status === "cancelled")
    throw new AppError("conflict", "That batch has already finished.");
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(generations)
      .set({ status: "cancelled", finishedAt: new Date() })
      .where(and(eq(generations.batchId, batchId), inArray(generations.status, ["queued", "running"])));
    await tx.update(batches).set({ status: "cancelled", finishedAt: new Date() }).where(eq(batches.id, batchId));
    await recordAudit({
      db: tx,
      input: { actor: ctx.actor, action: "batch.cancelled", subject: { type: "batch", id: batchId }, ip: ctx.ip },
    });
  });
  await send.batchCancelled(batchId);
}

/** One click: dead-lettered generations of a batch (or one of them) go back to the queue. */
export async function retryGenerations({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: unknown;
  send: GenerationSender;
}): Promise<{ retried: number }> {
  const { batchId, generationId } = parseInput(retryInput, input);
  const batch = await ownBatch(ctx, batchId);
  if (batch.status === "cancelled") throw new AppError("conflict", "That batch was cancelled; queue it again instead.");
  const ids = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(generations)
      .set({ status: "queued", errorCode: null, errorMessage: null, finishedAt: null })
      .where(
        and(
          eq(generations.batchId, batchId),
          eq(generations.status, "dead_lettered"),
          generationId ? eq(generations.id, generationId) : undefined,
        ),
      )
      .returning({ id: generations.id });
    if (rows.length === 0) return [];
    await tx.update(batches).set({ status: "running", finishedAt: null }).where(eq(batches.id, batchId));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "generation.retried",
        subject: { type: "batch", id: batchId },
        data: { count: rows.length },
        ip: ctx.ip,
      },
    });
    return rows.map((r) => r.id);
  });
  if (ids.length === 0)
    throw new AppError("conflict", "There is nothing to retry: no generation of this batch has failed.");
  const queued = (await listQueuedGenerations(ctx.db, batchId)).filter((g) => ids.includes(g.id));
  await send.generationsRequested(
    queued.map((g) => ({
      generationId: g.id,
      batchId,
      providerId: g.providerId,
      userId: batch.ownerId,
      attempts: g.attempts,
    })),
  );
  return { retried: ids.length };
}

/**
 * Hands a queued batch to the engine. If the engine cannot be reached the batch stays queued and
 * nothing is lost; "Resume" on the Jobs page calls this again (repeats are deduplicated by id).
 */
export async function startBatch({
  ctx,
  input,
  send,
  sendKey,
}: {
  ctx: Ctx;
  input: unknown;
  send: GenerationSender;
  sendKey: string;
}): Promise<{ started: boolean; message?: string }> {
  const { batchId } = parseInput(batchIdInput, input);
  const batch = await ownBatch(ctx, batchId);
  if (batch.status === "completed" || batch.status === "cancelled")
    throw new AppError("conflict", "That batch has already finished.");
  try {
    await send.batchQueued({ batchId, userId: batch.ownerId, sendKey });
    return { started: true };
  } catch (error) {
    return {
      started: false,
      message: `The batch is saved, but the background engine did not answer (${(error as Error).message}). Press Resume once it is running.`,
    };
  }
}
