import type { Ctx } from "@/lib/auth/context";
import { unreadNotificationCount } from "@/lib/review/notifications";
import { reviewQueueCount } from "@/lib/review/queue";

/** The menu's badges by area: the review queue for reviewers (and admins), unread notifications on Home. */
export type NavCounts = Record<string, number>;

export async function navCounts(ctx: Ctx): Promise<NavCounts> {
  const [review, unread] = await Promise.all([reviewQueueCount(ctx), unreadNotificationCount(ctx)]);
  return { "/review": review, "/": unread };
}
