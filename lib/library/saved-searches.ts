import { and, count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { savedSearches, type SavedSearch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";

export const saveSearchInput = z.object({
  name: z.string().trim().min(1, "Name the search.").max(80, "At most 80 characters."),
  query: z.string().trim().min(1, "There is no query to save.").max(2000, "At most 2,000 characters."),
});
const deleteInput = z.object({ savedSearchId: z.string().uuid("Unknown saved search.") });

export const MAX_SAVED_SEARCHES = 100;

/** Saved searches are personal: nobody else sees them, so they are not audited. */
function assertCanSave(ctx: Ctx) {
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not use the library.");
}

export async function listSavedSearches({ ctx }: { ctx: Ctx }): Promise<SavedSearch[]> {
  assertCanSave(ctx);
  return ctx.db
    .select()
    .from(savedSearches)
    .where(eq(savedSearches.userId, ctx.actor.id))
    .orderBy(desc(savedSearches.createdAt))
    .limit(MAX_SAVED_SEARCHES);
}

/** Saves the query text (grammar plus view settings, as in the URL); saving a name again replaces its query. */
export async function saveSearch({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SavedSearch> {
  assertCanSave(ctx);
  const { name, query } = parseInput(saveSearchInput, input);
  return ctx.db.transaction(async (tx) => {
    const [same] = await tx
      .select()
      .from(savedSearches)
      .where(and(eq(savedSearches.userId, ctx.actor.id), eq(savedSearches.name, name)))
      .limit(1);
    if (same) {
      const [updated] = await tx.update(savedSearches).set({ query }).where(eq(savedSearches.id, same.id)).returning();
      return updated!;
    }
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(savedSearches)
      .where(eq(savedSearches.userId, ctx.actor.id))) as [{ n: number }];
    if (Number(n) >= MAX_SAVED_SEARCHES)
      throw new AppError("conflict", `You have ${MAX_SAVED_SEARCHES} saved searches; delete one first.`);
    const [row] = await tx.insert(savedSearches).values({ userId: ctx.actor.id, name, query }).returning();
    return row!;
  });
}

export async function deleteSavedSearch({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  assertCanSave(ctx);
  const { savedSearchId } = parseInput(deleteInput, input);
  const gone = await ctx.db
    .delete(savedSearches)
    .where(and(eq(savedSearches.id, savedSearchId), eq(savedSearches.userId, ctx.actor.id)))
    .returning({ id: savedSearches.id });
  if (gone.length === 0) throw new AppError("not_found", "That saved search does not exist.");
}
