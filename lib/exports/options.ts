import { asc, isNull } from "drizzle-orm";
import { placements } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

export type PlacementOption = {
  id: string;
  slug: string;
  name: string;
  channel: string;
  width: number;
  height: number;
  defaultQuality: number;
};

/** The active placements the export dialog offers, in the admin's order. */
export async function exportPlacementOptions({ ctx }: { ctx: Ctx }): Promise<PlacementOption[]> {
  if (!can(ctx.actor.role, "exports.create")) throw new AppError("forbidden", "Your role does not export assets.");
  return ctx.db
    .select({
      id: placements.id,
      slug: placements.slug,
      name: placements.name,
      channel: placements.channel,
      width: placements.width,
      height: placements.height,
      defaultQuality: placements.defaultQuality,
    })
    .from(placements)
    .where(isNull(placements.archivedAt))
    .orderBy(asc(placements.sortOrder), asc(placements.name));
}
