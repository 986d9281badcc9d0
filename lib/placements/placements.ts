import { and, asc, eq, inArray, isNotNull, isNull, max, ne } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { placements, type Placement } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { createPlacementInput, placementIdInput, updatePlacementInput } from "./validation";

const ORDER = [asc(placements.sortOrder), asc(placements.name)] as const;

/** What the export dialog and the asset page offer: the placements not archived, in the admin's order. */
export async function listActivePlacements(db: DbExecutor): Promise<Placement[]> {
  return db
    .select()
    .from(placements)
    .where(isNull(placements.archivedAt))
    .orderBy(...ORDER);
}

/** The admin page: active placements in order, archived ones apart (they stay for old exports' manifests). */
export async function listPlacements(db: DbExecutor): Promise<{ active: Placement[]; archived: Placement[] }> {
  const [active, archived] = await Promise.all([
    listActivePlacements(db),
    db
      .select()
      .from(placements)
      .where(isNotNull(placements.archivedAt))
      .orderBy(...ORDER),
  ]);
  return { active, archived };
}

/** Placements by id, archived ones included (an export job recorded them), in the admin's order; unknown ids are left out. */
export async function getPlacementsByIds(db: DbExecutor, ids: readonly string[]): Promise<Placement[]> {
  const wanted = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!wanted.length) return [];
  return db
    .select()
    .from(placements)
    .where(inArray(placements.id, wanted))
    .orderBy(...ORDER);
}

function assertManager(ctx: Ctx) {
  if (!can(ctx.actor.role, "delivery.manage")) throw new AppError("forbidden", "Only admins manage placements.");
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "23505" || e?.cause?.code === "23505";
}

function slugTaken(slug: string): AppError {
  return new AppError(
    "conflict",
    `The slug “${slug}” is already used by another placement (archived ones included). Pick another.`,
    {
      fields: { slug: ["Already in use."] },
    },
  );
}

async function assertSlugFree(db: DbExecutor, slug: string, exceptId?: string) {
  const [taken] = await db
    .select({ id: placements.id })
    .from(placements)
    .where(exceptId ? and(eq(placements.slug, slug), ne(placements.id, exceptId)) : eq(placements.slug, slug))
    .limit(1);
  if (taken) throw slugTaken(slug);
}

export async function createPlacement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Placement> {
  assertManager(ctx);
  const fields = parseInput(createPlacementInput, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      await assertSlugFree(tx, fields.slug);
      const [last] = await tx.select({ n: max(placements.sortOrder) }).from(placements);
      const [row] = await tx
        .insert(placements)
        .values({ ...fields, sortOrder: (last?.n ?? 0) + 10, createdBy: ctx.actor.id })
        .returning();
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "placement.created",
          subject: { type: "placement", id: row!.id },
          data: { ...fields },
          ip: ctx.ip,
        },
      });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(fields.slug);
    throw error;
  }
}

/** Changes any of a placement's fields; the audit row keeps what each changed field was before. */
export async function updatePlacement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Placement> {
  assertManager(ctx);
  const { id, ...changes } = parseInput(updatePlacementInput, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(placements).where(eq(placements.id, id)).limit(1);
      if (!before) throw new AppError("not_found", "That placement does not exist.");
      if (changes.slug !== undefined && changes.slug !== before.slug) await assertSlugFree(tx, changes.slug, id);
      const changed = Object.fromEntries(
        Object.entries(changes).filter(
          ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(before[k as keyof Placement]),
        ),
      ) as Partial<typeof changes>;
      if (!Object.keys(changed).length) return before;
      const [row] = await tx
        .update(placements)
        .set({ ...changed, updatedAt: new Date() })
        .where(eq(placements.id, id))
        .returning();
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "placement.updated",
          subject: { type: "placement", id },
          data: {
            slug: row!.slug,
            changes: Object.fromEntries(
              Object.keys(changed).map((k) => [
                k,
                { from: before[k as keyof Placement], to: row![k as keyof Placement] },
              ]),
            ),
          },
          ip: ctx.ip,
        },
      });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.slug) throw slugTaken(changes.slug);
    throw error;
  }
}

/** Archiving hides a placement from the export dialog and the asset page; past exports keep it. Idempotent. */
export async function archivePlacement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Placement> {
  return setArchived(ctx, input, true);
}

export async function restorePlacement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Placement> {
  return setArchived(ctx, input, false);
}

async function setArchived(ctx: Ctx, input: unknown, archive: boolean): Promise<Placement> {
  assertManager(ctx);
  const { id } = parseInput(placementIdInput, input);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(placements).where(eq(placements.id, id)).limit(1);
    if (!before) throw new AppError("not_found", "That placement does not exist.");
    if ((before.archivedAt !== null) === archive) return before;
    const [row] = await tx
      .update(placements)
      .set({ archivedAt: archive ? new Date() : null, updatedAt: new Date() })
      .where(eq(placements.id, id))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: archive ? "placement.archived" : "placement.restored",
        subject: { type: "placement", id },
        data: { slug: row!.slug, name: row!.name },
        ip: ctx.ip,
      },
    });
    return row!;
  });
}
