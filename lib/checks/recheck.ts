import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { assets, presetVersions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { startCheckRun } from "./start-run";
import { refreshAssetSearch } from "@/lib/library/refresh";

/** How lib/checks asks the engine to run check runs; injected so lib/ does not depend on the client. */
export type CheckSender = (checkRunIds: string[]) => Promise<void>;

/** Statuses a re-check may change; a human's approval or request for changes stands. */
const RECHECKABLE = ["checking", "in_review", "rejected"] as const;
const MAX_RECHECK = 500;

const recheckInput = z
  .object({
    assetIds: z.array(z.string().uuid("Unknown asset.")).max(MAX_RECHECK).optional(),
    presetId: z.string().uuid("Unknown preset.").optional(),
  })
  .refine((i) => (i.assetIds?.length ?? 0) > 0 || i.presetId, "Choose assets or a preset to re-check.");

/**
 * Runs the checks again with the thresholds in force now: one asset from its page, or the newest
 * assets of a preset after its thresholds changed (up to 500, those a machine decided).
 */
export async function recheckAssets({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: unknown;
  send: CheckSender;
}): Promise<{ queued: number }> {
  if (ctx.actor.role !== "admin") throw new AppError("forbidden", "Only admins can re-run the checks.");
  const { assetIds, presetId } = parseInput(recheckInput, input);
  const runIds = await ctx.db.transaction(async (tx) => {
    const where = assetIds?.length
      ? and(inArray(assets.id, assetIds), inArray(assets.status, [...RECHECKABLE]))
      : and(
          inArray(
            assets.presetVersionId,
            tx.select({ id: presetVersions.id }).from(presetVersions).where(eq(presetVersions.presetId, presetId!)),
          ),
          inArray(assets.status, [...RECHECKABLE]),
        );
    const targets = await tx.select().from(assets).where(where).orderBy(desc(assets.createdAt)).limit(MAX_RECHECK);
    if (assetIds?.length && targets.length === 0)
      throw new AppError("conflict", "A person has already decided this asset; the checks no longer change it.");
    const ids: string[] = [];
    for (const asset of targets) {
      if (!asset.currentVersionId) continue;
      const run = await startCheckRun(tx, {
        assetVersionId: asset.currentVersionId,
        trigger: "recheck",
        requestedBy: ctx.actor.id,
      });
      await tx
        .update(assets)
        .set({ status: "checking", rejectedAt: null, updatedAt: new Date() })
        .where(eq(assets.id, asset.id));
      ids.push(run.id);
    }
    await refreshAssetSearch(
      tx,
      targets.filter((a) => a.currentVersionId).map((a) => a.id),
    );
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "asset.recheck_requested",
        subject: presetId ? { type: "preset", id: presetId } : { type: "asset", id: assetIds![0]! },
        data: { count: ids.length, ...(assetIds ? { assetIds: assetIds.slice(0, 20) } : {}) },
        ip: ctx.ip,
      },
    });
    return ids;
  });
  await send(runIds);
  return { queued: runIds.length };
}
