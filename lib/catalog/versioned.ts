import type { Tx } from "@/db";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";

/**
 * Presets and templates are both versioned catalog items: a row with an active-version pointer and
 * immutable versions numbered 1, 2, 3…. This is the part of their save and rollback flows that is
 * the same for both; each domain supplies the table access.
 */
export type CatalogItem = { id: string; slug: string; name: string; activeVersionId: string | null };
export type CatalogVersion = { id: string; version: number };

export type VersionedCatalog<I extends CatalogItem, V extends CatalogVersion> = {
  kind: "preset" | "template";
  /**
   * Reads the item FOR UPDATE: the row lock serialises every edit and rollback of one item, so two
   * concurrent edits get N+1 and N+2 (the unique index on item + version is the backstop).
   */
  lock(tx: Tx, itemId: string): Promise<I>;
  version(tx: Tx, versionId: string): Promise<V | null>;
  itemIdOf(version: V): string;
  /** The highest version number the item has, or null when it has none yet. */
  lastVersion(tx: Tx, itemId: string): Promise<number | null>;
  setActive(tx: Tx, itemId: string, versionId: string): Promise<I>;
};

export function notFound(kind: "preset" | "template"): AppError {
  return new AppError("not_found", `That ${kind} does not exist.`);
}

export function slugTaken(kind: "preset" | "template", slug: string): AppError {
  return new AppError("conflict", `A ${kind} with the slug "${slug}" already exists.`, {
    fields: { slug: ["Already in use."] },
  });
}

function nothingChanged(activeVersion: number): AppError {
  return new AppError(
    "conflict",
    `Nothing changed compared with the active version ${activeVersion}; edit a field before saving.`,
  );
}

/** The version the item points at now, or null (a fresh item mid-creation). */
export async function activeVersionOf<I extends CatalogItem, V extends CatalogVersion>(
  tx: Tx,
  catalog: VersionedCatalog<I, V>,
  item: I,
): Promise<V | null> {
  return item.activeVersionId ? catalog.version(tx, item.activeVersionId) : null;
}

/**
 * Saves an edit as version N+1 and makes it active; versions already made are never changed. An
 * edit that changes nothing against the active version is refused.
 */
export async function saveNextVersion<I extends CatalogItem, V extends CatalogVersion>(
  ctx: Ctx,
  catalog: VersionedCatalog<I, V>,
  itemId: string,
  edit: {
    /** Runs under the lock, before anything is compared or written (e.g. "the provider exists"). */
    check?: (tx: Tx) => Promise<void>;
    unchanged(active: V): boolean;
    insert(tx: Tx, version: number): Promise<V>;
    changes(previous: V | null, saved: V): string[];
    note: string | null;
  },
): Promise<{ item: I; version: V }> {
  const { kind } = catalog;
  return ctx.db.transaction(async (tx) => {
    const locked = await catalog.lock(tx, itemId);
    await edit.check?.(tx);
    const active = await activeVersionOf(tx, catalog, locked);
    if (active && edit.unchanged(active)) throw nothingChanged(active.version);
    const version = await edit.insert(tx, ((await catalog.lastVersion(tx, itemId)) ?? 0) + 1);
    const item = await catalog.setActive(tx, itemId, version.id);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: `${kind}.version_created`,
        subject: { type: kind, id: itemId },
        data: {
          slug: locked.slug,
          version: version.version,
          versionId: version.id,
          previousVersion: active?.version ?? null,
          changes: edit.changes(active, version),
          note: edit.note,
        },
        ip: ctx.ip,
      },
    });
    return { item, version };
  });
}

/**
 * Moves the active pointer to another existing version of the same item. Nothing is copied or
 * changed; generations already queued keep the version they recorded.
 */
export async function rollbackTo<I extends CatalogItem, V extends CatalogVersion>(
  ctx: Ctx,
  catalog: VersionedCatalog<I, V>,
  itemId: string,
  versionId: string,
): Promise<{ item: I; version: V }> {
  const { kind } = catalog;
  return ctx.db.transaction(async (tx) => {
    const locked = await catalog.lock(tx, itemId);
    const target = await catalog.version(tx, versionId);
    if (!target) throw new AppError("not_found", "That version does not exist.");
    if (catalog.itemIdOf(target) !== itemId)
      throw new AppError("invalid_input", `That version belongs to another ${kind}, not "${locked.name}".`);
    if (locked.activeVersionId === target.id)
      throw new AppError("conflict", `Version ${target.version} is already the active version.`);
    const from = await activeVersionOf(tx, catalog, locked);
    const item = await catalog.setActive(tx, itemId, target.id);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: `${kind}.rolled_back`,
        subject: { type: kind, id: itemId },
        data: {
          slug: locked.slug,
          fromVersion: from?.version ?? null,
          toVersion: target.version,
          versionId: target.id,
        },
        ip: ctx.ip,
      },
    });
    return { item, version: target };
  });
}
