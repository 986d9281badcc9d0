import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console/console-nav";
import { requirePageCtx } from "@/lib/auth/guard";
import { areasFor } from "@/lib/auth/permissions";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageCtx("console.view");
  const areas = areasFor(actor.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen">
      <ConsoleNav areas={areas} actor={{ name: actor.name, email: actor.email, role: actor.role }} />
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
