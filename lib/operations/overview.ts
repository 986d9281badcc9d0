import { eq } from "drizzle-orm";
import { providerHealth, providers, type EndpointHealth } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { knownCampaigns, listActiveHolds, type HoldView } from "@/lib/budgets/holds";
import { listFallbackPresets, type FallbackPreset } from "@/lib/providers/admin-list";
import { readSwitches, type SwitchState } from "./switches/read-switches";
import { assertCanOperate } from "./switches/set-switch";

export type EndpointHealthView = {
  id: string;
  name: string;
  paused: boolean;
  pausedReason: string | null;
  state: EndpointHealth;
  reason: string | null;
  probedAt: string | null;
  changedAt: string | null;
  fallbackPresetId: string | null;
};

/** Endpoint health and failover targets, for the operations page and the GPU endpoints page. */
export async function listEndpointHealth({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ endpoints: EndpointHealthView[]; presets: FallbackPreset[] }> {
  const [rows, presets] = await Promise.all([
    ctx.db
      .select({ p: providers, h: providerHealth })
      .from(providers)
      .leftJoin(providerHealth, eq(providerHealth.providerId, providers.id))
      .orderBy(providers.name),
    listFallbackPresets({ ctx }),
  ]);
  return {
    endpoints: rows.map(({ p, h }) => ({
      id: p.id,
      name: p.name,
      paused: p.paused,
      pausedReason: p.pausedReason,
      state: h?.state ?? "healthy",
      reason: h?.reason ?? null,
      probedAt: h?.probedAt?.toISOString() ?? null,
      changedAt: h?.changedAt?.toISOString() ?? null,
      fallbackPresetId: h?.fallbackPresetId ?? null,
    })),
    presets,
  };
}

export type OperationsOverview = {
  switches: SwitchState[];
  endpoints: EndpointHealthView[];
  presets: FallbackPreset[];
  holds: HoldView[];
  campaigns: string[];
};

/** Everything /admin/operations shows. Admins only. */
export async function operationsOverview({ ctx }: { ctx: Ctx }): Promise<OperationsOverview> {
  assertCanOperate(ctx);
  const [switches, health, holds, campaigns] = await Promise.all([
    readSwitches(ctx.db),
    listEndpointHealth({ ctx }),
    listActiveHolds({ ctx }),
    knownCampaigns({ ctx }),
  ]);
  return { switches: [switches.uploads_disabled, switches.generation_paused], ...health, holds, campaigns };
}
