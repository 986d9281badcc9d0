import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

/**
 * Actions and pages already pass the guard; this repeats the check in lib so a future caller
 * (a job, a route) cannot edit the catalog without the permission by forgetting it.
 */
export function assertCanManageCatalog(ctx: Ctx): void {
  if (!can(ctx.actor.role, "catalog.manage"))
    throw new AppError("forbidden", "Only admins can change presets and templates.");
}

export type Author = { name: string; email: string } | null;

/** Who made a version: a user, or nobody (seeded by Kiln itself). */
export function authorOf(row: { authorName: string | null; authorEmail: string | null }): Author {
  return row.authorName && row.authorEmail ? { name: row.authorName, email: row.authorEmail } : null;
}
