import { eq, isNull, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { campaignHolds, presets, providerHealth, providers } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { readSwitches } from "./switches/read-switches";

export type StatusItem = { key: string; text: string };

/**
 * What is switched off right now, in plain words with the reason, for the banner every signed-in
 * user sees (app/(console)/layout.tsx). A handful of small reads; nothing is cached, so every
 * process shows the same thing on the next page load.
 */
export async function operationsStatus({ ctx }: { ctx: Ctx }): Promise<StatusItem[]> {
  const fallback = alias(presets, "fallback_preset");
  const [switches, holds, endpoints] = await Promise.all([
    readSwitches(ctx.db),
    ctx.db.select().from(campaignHolds).where(isNull(campaignHolds.releasedAt)).orderBy(campaignHolds.heldAt),
    ctx.db
      .select({ provider: providers, health: providerHealth, fallbackName: fallback.name })
      .from(providers)
      .leftJoin(providerHealth, eq(providerHealth.providerId, providers.id))
      .leftJoin(fallback, eq(fallback.id, providerHealth.fallbackPresetId))
      .where(or(eq(providers.paused, true), eq(providerHealth.state, "unhealthy")))
      .orderBy(providers.name),
  ]);
  const items: StatusItem[] = [];
  // Reasons are sentences people typed; the banner adds its own full stop.
  const because = (reason: string | null) => (reason ? `: ${reason.replace(/[.\s]+$/, "")}` : "");
  if (switches.uploads_disabled.enabled)
    items.push({ key: "uploads", text: `Uploads are switched off${because(switches.uploads_disabled.reason)}.` });
  if (switches.generation_paused.enabled) {
    items.push({
      key: "generation",
      text: `All generation is paused${because(switches.generation_paused.reason)}. New batches can be queued; they wait and start when it resumes.`,
    });
  }
  for (const h of holds) {
    const how = h.reason === "manual" ? "paused by hand" : "on hold (stop-loss)";
    items.push({
      key: `hold-${h.id}`,
      text: `Campaign “${h.campaign}” is ${how}${because(h.detail)}. Its queued work waits.`,
    });
  }
  for (const { provider, health, fallbackName } of endpoints) {
    if (provider.paused) {
      items.push({
        key: `paused-${provider.id}`,
        text: `GPU endpoint ${provider.name} is paused${because(provider.pausedReason)}. Its queued work waits.`,
      });
    } else {
      const where = fallbackName
        ? `Its queued work moves to ${fallbackName}.`
        : "No fallback is set, so its work may fail or wait.";
      items.push({
        key: `unhealthy-${provider.id}`,
        text: `GPU endpoint ${provider.name} is unhealthy${because(health?.reason ?? null)}. ${where}`,
      });
    }
  }
  return items;
}
