import { eq, max } from "drizzle-orm";
import type { Tx } from "@/db";
import { presets, presetVersions, providers, type Preset, type PresetVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { notFound, rollbackTo, saveNextVersion, slugTaken, type VersionedCatalog } from "@/lib/catalog/versioned";
import { assertCanManageCatalog } from "./access";
import { diffPresetVersions, samePresetContent } from "./diff";
import { createPresetInput, createPresetVersionInput, rollbackPresetInput, type VersionContent } from "./schemas";

export {
  listPresetsWithVersions,
  listProviderOptions,
  type PresetView,
  type PresetVersionView,
  type ProviderOption,
} from "./list";

type Saved = { preset: Preset; version: PresetVersion };

async function assertProviderExists(tx: Tx, providerId: string): Promise<void> {
  const [row] = await tx.select({ id: providers.id }).from(providers).where(eq(providers.id, providerId)).limit(1);
  if (!row)
    throw new AppError("invalid_input", "That provider does not exist.", {
      fields: { providerId: ["Choose an existing provider."] },
    });
}

const catalog: VersionedCatalog<Preset, PresetVersion> = {
  kind: "preset",
  async lock(tx, presetId) {
    const [preset] = await tx.select().from(presets).where(eq(presets.id, presetId)).limit(1).for("update");
    if (!preset) throw notFound("preset");
    return preset;
  },
  async version(tx, versionId) {
    const [row] = await tx.select().from(presetVersions).where(eq(presetVersions.id, versionId)).limit(1);
    return row ?? null;
  },
  itemIdOf: (v) => v.presetId,
  async lastVersion(tx, presetId) {
    const [last] = await tx
      .select({ n: max(presetVersions.version) })
      .from(presetVersions)
      .where(eq(presetVersions.presetId, presetId));
    return last?.n ?? null;
  },
  async setActive(tx, presetId, versionId) {
    const [preset] = await tx
      .update(presets)
      .set({ activeVersionId: versionId })
      .where(eq(presets.id, presetId))
      .returning();
    return preset!;
  },
};

async function insertVersion(
  tx: Tx,
  ctx: Ctx,
  presetId: string,
  version: number,
  c: VersionContent,
): Promise<PresetVersion> {
  const [row] = await tx
    .insert(presetVersions)
    .values({
      presetId,
      version,
      providerId: c.providerId,
      model: c.model,
      loras: c.loras,
      params: c.params,
      priceModel: c.priceModel,
      checkThresholds: c.checkThresholds,
      rerollLimit: c.rerollLimit,
      note: c.note,
      createdBy: ctx.actor.id,
    })
    .returning();
  return row!;
}

/** A new preset and its version 1, active at once. */
export async function createPreset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { slug, name, tier, ...content } = parseInput(createPresetInput, input);
  return ctx.db.transaction(async (tx) => {
    await assertProviderExists(tx, content.providerId);
    const [taken] = await tx.select({ id: presets.id }).from(presets).where(eq(presets.slug, slug)).limit(1);
    if (taken) throw slugTaken("preset", slug);
    const [created] = await tx.insert(presets).values({ slug, name, tier }).returning();
    const version = await insertVersion(tx, ctx, created!.id, 1, content);
    const preset = await catalog.setActive(tx, created!.id, version.id);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "preset.created",
        subject: { type: "preset", id: preset.id },
        data: { slug, name, tier, version: 1, versionId: version.id, model: content.model },
        ip: ctx.ip,
      },
    });
    return { preset, version };
  });
}

/** Saves an edit as version N+1 and makes it active; versions already made are never changed. */
export async function createPresetVersion({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { presetId, ...content } = parseInput(createPresetVersionInput, input);
  const { item, version } = await saveNextVersion(ctx, catalog, presetId, {
    check: (tx) => assertProviderExists(tx, content.providerId),
    unchanged: (active) => samePresetContent(active, content),
    insert: (tx, n) => insertVersion(tx, ctx, presetId, n, content),
    changes: (previous, saved) => diffPresetVersions(previous, saved, (id) => id),
    note: content.note,
  });
  return { preset: item, version };
}

/**
 * Moves the active pointer to another existing version of the same preset. Nothing is copied or
 * changed; generations already queued keep the version they recorded.
 */
export async function rollbackPreset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { presetId, versionId } = parseInput(rollbackPresetInput, input);
  const { item, version } = await rollbackTo(ctx, catalog, presetId, versionId);
  return { preset: item, version };
}
