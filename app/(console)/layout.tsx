import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console/console-nav";
import { requirePageCtx } from "@/lib/auth/guard";
import { areasFor } from "@/lib/auth/permissions";
import { unreadNotificationCount } from "@/lib/review/notifications";
import { reviewQueueCount } from "@/lib/review/queue";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await requirePageCtx("console.view");
  const { actor } = ctx;
  // Badges: the review queue for reviewers, unread notifications on Home.
  const [reviewCount, unread] = await Promise.all([reviewQueueCount(ctx), unreadNotificationCount(ctx)]);
  const counts: Record<string, number> = { "/review": reviewCount, "/": unread };
  const areas = areasFor(actor.role).map(({ href, label }) => ({ href, label, count: counts[href] }));
  return (
    <div className="flex min-h-screen">
      <ConsoleNav areas={areas} actor={{ name: actor.name, email: actor.email, role: actor.role }} />
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
