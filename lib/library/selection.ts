import { sql } from "drizzle-orm";
import { z } from "zod";
import { assetSearch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { matchCondition, queryRows } from "./search";
import { visibleAssetsCondition } from "./visibility";

/** A bulk selection in the library: explicit ids (clicked tiles) or "every result of this query". */
export type LibrarySelection = { assetIds?: string[]; query?: string };

/** The most assets one bulk action takes: a bigger selection is refused with a message, never cut silently. */
export const SELECTION_CAP = 10_000;

const selectionInput = z
  .object({
    assetIds: z
      .array(z.string().uuid("Unknown asset."))
      .max(SELECTION_CAP, `Select at most ${SELECTION_CAP.toLocaleString("en")} assets.`)
      .optional(),
    query: z.string().max(1_000).optional(),
  })
  .refine((v) => v.assetIds !== undefined || v.query !== undefined, {
    message: "Select some assets, or all results of a query.",
  });

/**
 * Resolves a selection to the asset ids the actor may see: explicit ids are filtered to visible
 * ones (unknown or invisible ids are dropped); a query yields all its matches, newest first. Over
 * SELECTION_CAP matches is an error that says so.
 */
export async function resolveSelection({
  ctx,
  selection,
}: {
  ctx: Ctx;
  selection: LibrarySelection;
}): Promise<string[]> {
  const input = parseInput(selectionInput, selection);
  const s = assetSearch;
  if (input.assetIds) {
    if (input.assetIds.length === 0) return [];
    const ids = [...new Set(input.assetIds.map((id) => id.toLowerCase()))];
    const rows = await queryRows<{ id: string }>(
      ctx.db,
      sql`select ${s.assetId} as id from ${s}
          where ${visibleAssetsCondition(ctx)} and ${s.assetId} in (${sql.join(
            ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})
          order by ${s.createdAt} desc, ${s.assetId} desc`,
    );
    return rows.map((r) => r.id);
  }
  const { where } = await matchCondition(ctx, input.query ?? "");
  const rows = await queryRows<{ id: string }>(
    ctx.db,
    sql`select ${s.assetId} as id from ${s} where ${where} order by ${s.createdAt} desc, ${s.assetId} desc limit ${SELECTION_CAP + 1}`,
  );
  if (rows.length > SELECTION_CAP)
    throw new AppError(
      "invalid_input",
      `This query matches more than ${SELECTION_CAP.toLocaleString("en")} assets; narrow it down (add a filter) and try again.`,
      {
        fields: { query: ["too many results"] },
      },
    );
  return rows.map((r) => r.id);
}
