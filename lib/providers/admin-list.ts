import { and, asc, count, eq, max } from "drizzle-orm";
import { auditEvents, generations, presetVersions, providers, type Provider, type Tier } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { listActivePresets } from "@/lib/generation/catalog";
import { assertCanManageProviders } from "./admin-common";
import { secretHint } from "./store";
import type { ProviderKind } from "./types";

/** An endpoint as the admin page shows it: never the secret, at most its last four characters. */
export type AdminProvider = {
  id: string;
  slug: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  allowPrivate: boolean;
  concurrencyLimit: number;
  timeoutMs: number;
  paused: boolean;
  pausedReason: string | null;
  /** From the latest "provider.paused" audit event (the table has no paused-at column). */
  pausedSince: Date | null;
  isSimulator: boolean;
  hasSecret: boolean;
  secretLast4: string | null;
  /** Generations waiting on this endpoint (status queued, through their preset version). */
  queuedCount: number;
  updatedAt: Date;
};

export function toAdminProvider(
  row: Provider,
  extra: { queuedCount: number; pausedSince: Date | null },
): AdminProvider {
  const { secretCiphertext: _sealed, createdAt: _created, ...rest } = row;
  return {
    ...rest,
    ...secretHint(row),
    queuedCount: extra.queuedCount,
    pausedSince: row.paused ? extra.pausedSince : null,
  };
}

export async function listProvidersForAdmin({ ctx }: { ctx: Ctx }): Promise<AdminProvider[]> {
  assertCanManageProviders(ctx);
  const [rows, queued, pauses] = await Promise.all([
    ctx.db.select().from(providers).orderBy(asc(providers.name)),
    ctx.db
      .select({ providerId: presetVersions.providerId, n: count() })
      .from(generations)
      .innerJoin(presetVersions, eq(presetVersions.id, generations.presetVersionId))
      .where(eq(generations.status, "queued"))
      .groupBy(presetVersions.providerId),
    ctx.db
      .select({ providerId: auditEvents.subjectId, at: max(auditEvents.occurredAt) })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "provider.paused"), eq(auditEvents.subjectType, "provider")))
      .groupBy(auditEvents.subjectId),
  ]);
  const queuedBy = new Map(queued.map((q) => [q.providerId, q.n]));
  const pausedBy = new Map(pauses.map((p) => [p.providerId, p.at]));
  return rows.map((row) =>
    toAdminProvider(row, {
      queuedCount: queuedBy.get(row.id) ?? 0,
      pausedSince: pausedBy.get(row.id) ? new Date(pausedBy.get(row.id)!) : null,
    }),
  );
}

export type FallbackPreset = {
  id: string;
  name: string;
  tier: Tier;
  version: number;
  providerId: string;
  providerName: string;
  providerPaused: boolean;
};

/** Presets whose active version could take over queued work (the "Move queued work to…" select). */
export async function listFallbackPresets({ ctx }: { ctx: Ctx }): Promise<FallbackPreset[]> {
  assertCanManageProviders(ctx);
  return (await listActivePresets(ctx.db)).map(({ preset, version, provider }) => ({
    id: preset.id,
    name: preset.name,
    tier: preset.tier,
    version: version.version,
    providerId: provider.id,
    providerName: provider.name,
    providerPaused: provider.paused,
  }));
}
