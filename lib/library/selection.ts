import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";

/** A bulk selection in the library: explicit ids (clicked tiles) or "every result of this query". */
export type LibrarySelection = { assetIds?: string[]; query?: string };

/**
 * INTERIM CONTRACT (issue 15): the search helper replaces this body. Resolves a selection to the
 * asset ids the actor may see (invisible or unknown ids are dropped), capped at 10,000.
 */
export async function resolveSelection(_args: { ctx: Ctx; selection: LibrarySelection }): Promise<string[]> {
  throw new AppError("invalid_input", "Selections are not resolvable yet.");
}
