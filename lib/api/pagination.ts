import { z } from "zod";
import { ApiError } from "./errors";

/** `?limit=&cursor=` on every list; the cursor is opaque to clients (base64url JSON of the last row's sort key). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(500).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

/** Stripe's list shape. */
export type Page<T> = { object: "list"; data: T[]; has_more: boolean; next_cursor: string | null };

export type SortKey = { at: string; id: string };

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): SortKey | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (
      typeof at === "string" &&
      typeof id === "string" &&
      !Number.isNaN(Date.parse(at)) &&
      /^[0-9a-f-]{36}$/i.test(id)
    )
      return { at, id };
  } catch {
    // fall through
  }
  throw new ApiError("invalid_input", "The cursor is not one this API gave out.", "cursor");
}

/**
 * Builds a page from rows fetched with limit + 1 (newest first by (at, id)): the extra row only
 * says there is more.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => SortKey, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return {
    object: "list",
    data: kept.map(map),
    has_more: more,
    next_cursor: more && last ? encodeCursor(keyOf(last)) : null,
  };
}
