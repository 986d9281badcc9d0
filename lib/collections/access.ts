import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { collections, users, type Collection } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

export function assertCanUseCollections(ctx: Ctx) {
  if (!can(ctx.actor.role, "collections.use")) throw new AppError("forbidden", "Your role does not use collections.");
}

/** The actor's team, read from the database on each call (the role and team never come from the client). */
export async function actorTeamId(ctx: Ctx, db: DbExecutor = ctx.db): Promise<string | null> {
  const [row] = await db.select({ teamId: users.teamId }).from(users).where(eq(users.id, ctx.actor.id)).limit(1);
  return row?.teamId ?? null;
}

/** Owners and admins change a board; members of the team it is shared with only look. */
export function canEditCollection(ctx: Ctx, c: Pick<Collection, "ownerId">): boolean {
  return c.ownerId === ctx.actor.id || ctx.actor.role === "admin";
}

export function canSeeCollection(ctx: Ctx, c: Pick<Collection, "ownerId" | "teamId">, teamId: string | null): boolean {
  return canEditCollection(ctx, c) || (c.teamId !== null && c.teamId === teamId);
}

const NOT_FOUND = "That collection does not exist or is not shared with you.";

/**
 * A collection the actor may see (`edit`: may change). Someone who may not see it gets "not
 * found", and a teammate asking to change a shared board gets "forbidden" (they can see it).
 */
export async function loadCollection(
  ctx: Ctx,
  collectionId: string,
  mode: "see" | "edit",
  db: DbExecutor = ctx.db,
): Promise<Collection> {
  assertCanUseCollections(ctx);
  if (!z.string().uuid().safeParse(collectionId).success) throw new AppError("not_found", NOT_FOUND);
  const query = db.select().from(collections).where(eq(collections.id, collectionId)).limit(1);
  const [c] = mode === "edit" ? await query.for("update") : await query;
  if (!c || !canSeeCollection(ctx, c, await actorTeamId(ctx, db))) throw new AppError("not_found", NOT_FOUND);
  if (mode === "edit" && !canEditCollection(ctx, c))
    throw new AppError(
      "forbidden",
      "Only the collection's owner (or an admin) changes it; shared boards are read-only.",
    );
  return c;
}
