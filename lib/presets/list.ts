import { asc, desc, eq } from "drizzle-orm";
import { presets, presetVersions, providers, users, type Preset, type PresetVersion } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { assertCanManageCatalog, authorOf, type Author } from "./access";
import { describePriceModel, diffPresetVersions } from "./diff";

export type PresetVersionView = PresetVersion & {
  providerName: string;
  author: Author;
  active: boolean;
  /** What this version changed against the one before it. */
  changes: string[];
  priceLabel: string;
};
export type PresetView = Pick<Preset, "id" | "slug" | "name" | "tier" | "activeVersionId" | "createdAt"> & {
  active: PresetVersionView | null;
  /** Newest first. */
  versions: PresetVersionView[];
};
export type ProviderOption = { id: string; name: string; kind: string; isSimulator: boolean; paused: boolean };

/** Every preset (by tier, then name) with its full version history, for the admin page. */
export async function listPresetsWithVersions({ ctx }: { ctx: Ctx }): Promise<PresetView[]> {
  assertCanManageCatalog(ctx);
  const [presetRows, versionRows, providerRows] = await Promise.all([
    ctx.db.select().from(presets).orderBy(asc(presets.tier), asc(presets.name)),
    ctx.db
      .select({ version: presetVersions, authorName: users.name, authorEmail: users.email })
      .from(presetVersions)
      .leftJoin(users, eq(users.id, presetVersions.createdBy))
      .orderBy(asc(presetVersions.presetId), desc(presetVersions.version)),
    ctx.db.select({ id: providers.id, name: providers.name }).from(providers),
  ]);
  const providerName = (id: string) => providerRows.find((p) => p.id === id)?.name ?? "unknown provider";
  return presetRows.map((preset) => {
    const mine = versionRows.filter((r) => r.version.presetId === preset.id);
    const versions = mine.map((row, i): PresetVersionView => {
      const older = mine[i + 1]?.version ?? null;
      return {
        ...row.version,
        providerName: providerName(row.version.providerId),
        author: authorOf(row),
        active: row.version.id === preset.activeVersionId,
        changes: diffPresetVersions(older, row.version, providerName),
        priceLabel: describePriceModel(row.version.priceModel),
      };
    });
    const { id, slug, name, tier, activeVersionId, createdAt } = preset;
    return {
      id,
      slug,
      name,
      tier,
      activeVersionId,
      createdAt,
      active: versions.find((v) => v.active) ?? null,
      versions,
    };
  });
}

/** GPU endpoints a preset version may point at, for the form's select. */
export async function listProviderOptions({ ctx }: { ctx: Ctx }): Promise<ProviderOption[]> {
  assertCanManageCatalog(ctx);
  return ctx.db
    .select({
      id: providers.id,
      name: providers.name,
      kind: providers.kind,
      isSimulator: providers.isSimulator,
      paused: providers.paused,
    })
    .from(providers)
    .orderBy(asc(providers.name));
}
