import { count, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { collectionAssets, collections, users, type Collection } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { actorTeamId, assertCanUseCollections, loadCollection } from "./access";

const name = z.string().trim().min(1, "Give the collection a name.").max(80, "At most 80 characters.");
const description = z.string().trim().max(500, "At most 500 characters.");

export const createCollectionInput = z.object({
  name,
  description: description.default(""),
  shared: z.boolean().default(false),
});
export const updateCollectionInput = z.object({
  collectionId: z.string().uuid("Unknown collection."),
  name: name.optional(),
  description: description.optional(),
  shared: z.boolean().optional(),
});
const deleteInput = z.object({ collectionId: z.string().uuid("Unknown collection.") });

/** At most this many boards per user: plenty for work, and a bound on what the list page loads. */
export const MAX_COLLECTIONS_PER_USER = 200;

/**
 * Sharing means "with the owner's team": the board takes the owner's team at the moment it is
 * shared. An owner without a team cannot share (nobody to share with).
 */
async function shareTeam(ctx: Ctx, db: DbExecutor, ownerId: string): Promise<string> {
  const [owner] = await db.select({ teamId: users.teamId }).from(users).where(eq(users.id, ownerId)).limit(1);
  if (!owner?.teamId)
    throw new AppError(
      "invalid_input",
      ownerId === ctx.actor.id
        ? "You are not in a team, so there is nobody to share with; ask an admin to add you to one."
        : "The owner is not in a team.",
      {
        fields: { shared: ["No team to share with."] },
      },
    );
  return owner.teamId;
}

export async function createCollection({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Collection> {
  assertCanUseCollections(ctx);
  const data = parseInput(createCollectionInput, input);
  return ctx.db.transaction(async (tx) => {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(collections)
      .where(eq(collections.ownerId, ctx.actor.id))) as [{ n: number }];
    if (Number(n) >= MAX_COLLECTIONS_PER_USER)
      throw new AppError("conflict", `You have ${MAX_COLLECTIONS_PER_USER} collections; delete one first.`);
    const teamId = data.shared ? await shareTeam(ctx, tx, ctx.actor.id) : null;
    const [c] = await tx
      .insert(collections)
      .values({ name: data.name, description: data.description, ownerId: ctx.actor.id, teamId })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "collection.created",
        subject: { type: "collection", id: c!.id },
        data: { name: c!.name, teamId },
        ip: ctx.ip,
      },
    });
    return c!;
  });
}

/** Rename, describe, share or unshare (owner or admin). Unsharing hides the board and its assets from the team at once. */
export async function updateCollection({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Collection> {
  const data = parseInput(updateCollectionInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await loadCollection(ctx, data.collectionId, "edit", tx);
    const teamId =
      data.shared === undefined
        ? before.teamId
        : data.shared
          ? (before.teamId ?? (await shareTeam(ctx, tx, before.ownerId)))
          : null;
    const [c] = await tx
      .update(collections)
      .set({
        name: data.name ?? before.name,
        description: data.description ?? before.description,
        teamId,
        updatedAt: new Date(),
      })
      .where(eq(collections.id, before.id))
      .returning();
    const changes: Record<string, unknown> = {};
    if (c!.name !== before.name) changes.name = { from: before.name, to: c!.name };
    if (c!.description !== before.description) changes.description = true;
    if (c!.teamId !== before.teamId) changes.teamId = { from: before.teamId, to: c!.teamId };
    if (Object.keys(changes).length)
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "collection.updated",
          subject: { type: "collection", id: c!.id },
          data: changes,
          ip: ctx.ip,
        },
      });
    return c!;
  });
}

/** Deletes the board (its asset links go with it; the assets stay). */
export async function deleteCollection({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { collectionId } = parseInput(deleteInput, input);
  await ctx.db.transaction(async (tx) => {
    const c = await loadCollection(ctx, collectionId, "edit", tx);
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(collectionAssets)
      .where(eq(collectionAssets.collectionId, c.id))) as [{ n: number }];
    await tx.delete(collections).where(eq(collections.id, c.id));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "collection.deleted",
        subject: { type: "collection", id: c.id },
        data: { name: c.name, teamId: c.teamId, assets: Number(n) },
        ip: ctx.ip,
      },
    });
  });
}

export { actorTeamId };
