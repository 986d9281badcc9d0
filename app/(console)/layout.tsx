import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console/console-nav";
import { requirePageCtx } from "@/lib/auth/guard";
import { areasFor, can } from "@/lib/auth/permissions";
import { StatusBanner } from "@/components/operations/status-banner";
import { operationsStatus } from "@/lib/operations/status";
import { navCounts } from "@/lib/console/nav-counts";
import { ShortcutsOverlay } from "@/components/ui/shortcuts-overlay";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await requirePageCtx("console.view");
  const { actor } = ctx;
  // Badges: the review queue for reviewers, unread notifications on Home.
  // The status banner: what an admin switched off (or failover moved), read fresh for every page.
  // The badges are read again in the browser (components/console/use-nav-counts.ts): this layout is not re-rendered on navigation.
  const [counts, status] = await Promise.all([navCounts(ctx), operationsStatus({ ctx })]);
  const areas = areasFor(actor.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <ConsoleNav areas={areas} counts={counts} actor={{ name: actor.name, email: actor.email, role: actor.role }} />
      <main className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-8">
        <StatusBanner items={status} canOperate={can(actor.role, "operations.manage")} />
        {children}
      </main>
      <ShortcutsOverlay />
    </div>
  );
}
