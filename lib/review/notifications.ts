import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { notifications } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";

/** The user's newest notifications (review decisions on their assets), unread first in the count. */
export async function listNotifications({ ctx, limit = 50 }: { ctx: Ctx; limit?: number }) {
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, ctx.actor.id))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
  return rows.map((n) => ({
    id: n.id,
    assetId: n.assetId,
    kind: n.kind,
    message: n.message,
    createdAt: n.createdAt.toISOString(),
    read: !!n.readAt,
  }));
}
export type NotificationView = Awaited<ReturnType<typeof listNotifications>>[number];

export async function unreadNotificationCount(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, ctx.actor.id), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

const markInput = z.object({ ids: z.array(z.string().uuid()).max(200).optional() });

/** Marks the given notifications (or all) read; only the user's own. */
export async function markNotificationsRead({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { ids } = parseInput(markInput, input ?? {});
  await ctx.db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(notifications.userId, ctx.actor.id),
        isNull(notifications.readAt),
        ids ? inArray(notifications.id, ids) : undefined,
      ),
    );
}
