import { eq } from "drizzle-orm";
import { z } from "zod";
import { providerHealth, type ProviderHealth } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { assertCanManageProviders, loadProviderForUpdate } from "@/lib/providers/admin-common";
import { loadMoveTarget } from "./move-generations";

const setFallbackInput = z.object({
  providerId: z.string().uuid("Unknown endpoint."),
  presetId: z.string().uuid("Unknown preset.").nullable(),
});

/**
 * Where an endpoint's queued work goes while it is unhealthy: a preset whose active version runs on
 * another endpoint. Only work of that preset's tier moves; null turns failover off. Audited.
 */
export async function setFallbackPreset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ProviderHealth> {
  assertCanManageProviders(ctx);
  const { providerId, presetId } = parseInput(setFallbackInput, input);
  return ctx.db.transaction(async (tx) => {
    const provider = await loadProviderForUpdate(tx, providerId);
    let target = null;
    if (presetId) {
      target = await loadMoveTarget(tx, presetId);
      if (!target) throw new AppError("not_found", "That preset does not exist or has no active version.");
      if (target.provider.id === providerId)
        throw new AppError(
          "conflict",
          `${target.preset.name} runs on this endpoint too; pick a preset on another one.`,
        );
    }
    const [before] = await tx.select().from(providerHealth).where(eq(providerHealth.providerId, providerId)).limit(1);
    const [row] = await tx
      .insert(providerHealth)
      .values({ providerId, fallbackPresetId: presetId })
      .onConflictDoUpdate({ target: providerHealth.providerId, set: { fallbackPresetId: presetId } })
      .returning();
    if ((before?.fallbackPresetId ?? null) !== presetId) {
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "provider.fallback_set",
          subject: { type: "provider", id: providerId },
          data: {
            slug: provider.slug,
            from: before?.fallbackPresetId ?? null,
            to: presetId,
            ...(target ? { toPreset: target.preset.name, tier: target.preset.tier } : {}),
          },
          ip: ctx.ip,
        },
      });
    }
    return row!;
  });
}
