import { eq, max } from "drizzle-orm";
import type { Tx } from "@/db";
import { presets, presetVersions, providers, type Preset, type PresetVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
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

/**
 * The row lock serialises every edit and rollback of one preset: two concurrent edits get N+1
 * and N+2 (the unique index on preset_id + version is the backstop, never the mechanism).
 */
async function lockPreset(tx: Tx, presetId: string): Promise<Preset> {
  const [preset] = await tx.select().from(presets).where(eq(presets.id, presetId)).limit(1).for("update");
  if (!preset) throw new AppError("not_found", "That preset does not exist.");
  return preset;
}

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
    if (taken)
      throw new AppError("conflict", `A preset with the slug "${slug}" already exists.`, {
        fields: { slug: ["Already in use."] },
      });
    const [created] = await tx.insert(presets).values({ slug, name, tier }).returning();
    const version = await insertVersion(tx, ctx, created!.id, 1, content);
    const [preset] = await tx
      .update(presets)
      .set({ activeVersionId: version.id })
      .where(eq(presets.id, created!.id))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "preset.created",
        subject: { type: "preset", id: preset!.id },
        data: { slug, name, tier, version: 1, versionId: version.id, model: content.model },
        ip: ctx.ip,
      },
    });
    return { preset: preset!, version };
  });
}

/** Saves an edit as version N+1 and makes it active; versions already made are never changed. */
export async function createPresetVersion({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { presetId, ...content } = parseInput(createPresetVersionInput, input);
  return ctx.db.transaction(async (tx) => {
    const locked = await lockPreset(tx, presetId);
    await assertProviderExists(tx, content.providerId);
    const [active] = locked.activeVersionId
      ? await tx.select().from(presetVersions).where(eq(presetVersions.id, locked.activeVersionId)).limit(1)
      : [];
    if (active && samePresetContent(active, content)) {
      throw new AppError(
        "conflict",
        `Nothing changed compared with the active version ${active.version}; edit a field before saving.`,
      );
    }
    const [last] = await tx
      .select({ n: max(presetVersions.version) })
      .from(presetVersions)
      .where(eq(presetVersions.presetId, presetId));
    const version = await insertVersion(tx, ctx, presetId, (last?.n ?? 0) + 1, content);
    const [preset] = await tx
      .update(presets)
      .set({ activeVersionId: version.id })
      .where(eq(presets.id, presetId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "preset.version_created",
        subject: { type: "preset", id: presetId },
        data: {
          slug: locked.slug,
          version: version.version,
          versionId: version.id,
          previousVersion: active?.version ?? null,
          changes: diffPresetVersions(active ?? null, version, (id) => id),
          note: version.note,
        },
        ip: ctx.ip,
      },
    });
    return { preset: preset!, version };
  });
}

/**
 * Moves the active pointer to another existing version of the same preset. Nothing is copied or
 * changed; generations already queued keep the version they recorded.
 */
export async function rollbackPreset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Saved> {
  assertCanManageCatalog(ctx);
  const { presetId, versionId } = parseInput(rollbackPresetInput, input);
  return ctx.db.transaction(async (tx) => {
    const locked = await lockPreset(tx, presetId);
    const [target] = await tx.select().from(presetVersions).where(eq(presetVersions.id, versionId)).limit(1);
    if (!target) throw new AppError("not_found", "That version does not exist.");
    if (target.presetId !== presetId)
      throw new AppError("invalid_input", `That version belongs to another preset, not "${locked.name}".`);
    if (locked.activeVersionId === target.id)
      throw new AppError("conflict", `Version ${target.version} is already the active version.`);
    const [from] = locked.activeVersionId
      ? await tx
          .select({ version: presetVersions.version })
          .from(presetVersions)
          .where(eq(presetVersions.id, locked.activeVersionId))
      : [];
    const [preset] = await tx
      .update(presets)
      .set({ activeVersionId: target.id })
      .where(eq(presets.id, presetId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "preset.rolled_back",
        subject: { type: "preset", id: presetId },
        data: {
          slug: locked.slug,
          fromVersion: from?.version ?? null,
          toVersion: target.version,
          versionId: target.id,
        },
        ip: ctx.ip,
      },
    });
    return { preset: preset!, version: target };
  });
}
