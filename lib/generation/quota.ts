import { and, count, eq, gt } from "drizzle-orm";
import { generations } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { plural } from "@/lib/labels";

/**
 * Refuses work beyond the user's rolling 24-hour image quota before anything is queued, saying
 * how much is left. Money budgets per campaign and team come with the costs module.
 */
export async function assertWithinQuota(
  ctx: Ctx,
  images: number,
  quota: number,
): Promise<{ used: number; remaining: number | null }> {
  if (quota === 0) return { used: 0, remaining: null };
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const [row] = await ctx.db
    .select({ n: count() })
    .from(generations)
    .where(and(eq(generations.ownerId, ctx.actor.id), gt(generations.createdAt, since)));
  const used = row?.n ?? 0;
  const remaining = Math.max(0, quota - used);
  if (images > remaining) {
    throw new AppError(
      "policy_blocked",
      `This batch needs ${plural(images, "image")} but your quota has ${remaining.toLocaleString("en-US")} left today (${quota.toLocaleString("en-US")} per 24 hours). Queue fewer rows or ask an admin.`,
    );
  }
  return { used, remaining: remaining - images };
}
