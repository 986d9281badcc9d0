import { randomUUID } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { generations, presetVersions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { loadMoveTarget, moveGenerations } from "@/lib/operations/failover/move-generations";
import { assertCanManageProviders, loadProviderForUpdate } from "./admin-common";
import { moveQueuedInput } from "./admin-schemas";

/**
 * The fallback switch, without a schema change: an admin moves the queued work of a paused
 * endpoint to the active version of another preset. Each moved generation then records the
 * version that really makes it, and is requested again so it starts at once on the new endpoint.
 *
 * Only generations of the fallback preset's tier move: a hero image never silently becomes a
 * draft (tier decides checks and review). The rest keep waiting for the endpoint to resume.
 */
export type MovedGeneration = { generationId: string; batchId: string; providerId: string; userId: string };
/** Asks the engine to run moved work; the move id makes these requests distinct from the originals. */
export type MoveSender = (items: MovedGeneration[], moveId: string) => Promise<void>;

export type MoveResult = { moved: number; leftWaiting: number; requested: boolean; message: string };

export async function moveQueuedWork({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: unknown;
  send: MoveSender;
}): Promise<MoveResult> {
  assertCanManageProviders(ctx);
  const { providerId, presetId } = parseInput(moveQueuedInput, input);
  const moveId = randomUUID();
  const { items, leftWaiting, presetName, tier, providerName } = await ctx.db.transaction(async (tx) => {
    // The row lock orders this move against a concurrent resume of the same endpoint.
    const provider = await loadProviderForUpdate(tx, providerId);
    if (!provider.paused)
      throw new AppError("conflict", "Pause the endpoint first, so no new work starts on it while its queue moves.");
    const target = await loadMoveTarget(tx, presetId);
    if (!target) throw new AppError("not_found", "That preset does not exist or has no active version.");
    if (target.provider.id === providerId)
      throw new AppError("conflict", `${target.preset.name} also runs on this endpoint; pick a preset on another one.`);
    if (target.provider.paused)
      throw new AppError("conflict", `${target.preset.name} runs on ${target.provider.name}, which is paused too.`);

    // Each moved generation gets a generation_moves row (cause "manual"), shown on the Jobs page.
    const rows = await moveGenerations(tx, {
      fromProviderId: providerId,
      target,
      cause: "manual",
      reason: provider.pausedReason,
    });
    const onThisProvider = tx
      .select({ id: presetVersions.id })
      .from(presetVersions)
      .where(eq(presetVersions.providerId, providerId));
    const [left] = await tx
      .select({ n: count() })
      .from(generations)
      .where(and(eq(generations.status, "queued"), inArray(generations.presetVersionId, onThisProvider)));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "provider.work_moved",
        subject: { type: "provider", id: providerId },
        data: {
          slug: provider.slug,
          moveId,
          toPresetId: target.preset.id,
          toPresetVersionId: target.version.id,
          toProviderId: target.provider.id,
          tier: target.preset.tier,
          moved: rows.length,
          leftWaiting: left?.n ?? 0,
          batchIds: [...new Set(rows.map((r) => r.batchId))].slice(0, 100),
        },
        ip: ctx.ip,
      },
    });
    return {
      items: rows.map((r) => ({ ...r, providerId: target.provider.id })),
      leftWaiting: left?.n ?? 0,
      presetName: target.preset.name,
      tier: target.preset.tier,
      providerName: target.provider.name,
    };
  });

  const waiting =
    leftWaiting > 0
      ? ` ${leftWaiting} queued generation${leftWaiting === 1 ? "" : "s"} of other tiers still wait for this endpoint.`
      : "";
  if (items.length === 0) {
    return {
      moved: 0,
      leftWaiting,
      requested: true,
      message: `No queued ${tier} generations were waiting on this endpoint.${waiting}`,
    };
  }
  const summary = `Moved ${items.length} queued ${tier} generation${items.length === 1 ? "" : "s"} to ${presetName} (on ${providerName}).`;
  try {
    await send(items, moveId);
    return { moved: items.length, leftWaiting, requested: true, message: `${summary}${waiting}` };
  } catch (error) {
    // Nothing is lost: the rows point at the fallback already, and their original (parked)
    // requests run them there as soon as this endpoint is resumed.
    const why = (error as Error)?.message ?? String(error);
    const message = `${summary} The background engine did not answer (${why}), so they start when this endpoint is resumed.${waiting}`;
    return { moved: items.length, leftWaiting, requested: false, message };
  }
}
