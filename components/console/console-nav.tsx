"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOutAction, signOutEverywhereAction } from "@/app/(console)/sign-out-action";
import { Badge } from "@/components/ui/badge";
import type { NavCounts } from "@/lib/console/nav-counts";
import { KilnMark } from "./kiln-mark";
import { useNavCounts } from "./use-nav-counts";

type Area = { href: string; label: string };

export function ConsoleNav({
  areas,
  counts: initialCounts,
  actor,
}: {
  areas: Area[];
  counts: NavCounts;
  actor: { name: string; email: string; role: string };
}) {
  const pathname = usePathname();
  const counts = useNavCounts(initialCounts);
  const isActive = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <aside className="flex w-60 shrink-0 flex-col border-r border-stone-200 bg-white">
      <div className="flex items-center gap-2 px-5 py-5 text-lg font-semibold">
        <KilnMark /> Kiln
      </div>
      <nav aria-label="Console" className="flex-1 space-y-0.5 px-3">
        {areas.map((a, i) => {
          const count = counts[a.href];
          return (
            <div key={a.href}>
              {a.href.startsWith("/admin") && !areas[i - 1]?.href.startsWith("/admin") && (
                <div className="px-3 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-stone-400">Admin</div>
              )}
              <Link
                href={a.href}
                aria-current={isActive(a.href) ? "page" : undefined}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${isActive(a.href) ? "bg-kiln-50 text-kiln-700" : "text-stone-700 hover:bg-stone-100"}`}
              >
                <span className="flex items-center justify-between gap-2">
                  <span data-label>{a.label}</span>
                  {count ? (
                    <span
                      data-nav-count={count}
                      aria-label={`${count} waiting`}
                      className="rounded-full bg-kiln-600 px-1.5 text-xs font-semibold leading-5 text-white tabular-nums"
                    >
                      {count > 999 ? "999+" : count}
                    </span>
                  ) : null}
                </span>
              </Link>
            </div>
          );
        })}
      </nav>
      <div className="border-t border-stone-200 px-5 py-4 text-sm">
        <div className="font-medium text-stone-900" data-testid="current-user">
          {actor.name}
        </div>
        <div className="truncate text-xs text-stone-500">{actor.email}</div>
        <div className="mt-2 flex items-center justify-between">
          <Badge tone="accent">{actor.role}</Badge>
          <form action={signOutAction}>
            <button type="submit" className="text-xs font-medium text-stone-600 hover:text-stone-900">
              Sign out
            </button>
          </form>
        </div>
        <details className="mt-2 text-xs" data-testid="account-menu">
          <summary className="cursor-pointer text-stone-500 hover:text-stone-900">Account</summary>
          <form action={signOutEverywhereAction} className="mt-2">
            <button type="submit" className="font-medium text-stone-700 hover:text-stone-900">
              Sign out everywhere
            </button>
            <p className="mt-1 text-stone-500">
              Ends your sessions in every browser and device, this one included. Use it if you signed in somewhere you
              should not stay signed in.
            </p>
          </form>
        </details>
      </div>
    </aside>
  );
}
