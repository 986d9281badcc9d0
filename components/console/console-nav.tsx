"use client";

import { Keyboard, LogOut, Menu, X } from "lucide-react";
import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { signOutAction, signOutEverywhereAction } from "@/app/(console)/sign-out-action";
import { Badge } from "@/components/ui/badge";
import type { NavCounts } from "@/lib/console/nav-counts";
import { openShortcuts } from "@/components/ui/shortcuts";
import { KilnMark } from "./kiln-mark";
import { NAV_ICONS } from "./nav-icons";
import { SignOutForm } from "./sign-out-form";
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
  // Below md the sidebar is a drawer behind the menu button; it closes when a link is followed or on Escape.
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-stone-200 bg-white px-4 py-2 md:hidden">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <KilnMark className="h-6 w-6" /> Kiln
        </Link>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="console-sidebar"
          onClick={() => setOpen(true)}
          className="flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium text-stone-700 hover:bg-stone-100"
        >
          <Menu aria-hidden className="h-5 w-5" /> Menu
        </button>
      </header>
      {open && <div className="fixed inset-0 z-40 bg-black/40 md:hidden" aria-hidden onClick={() => setOpen(false)} />}
      <aside
        id="console-sidebar"
        className={`${open ? "fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] overflow-y-auto shadow-xl" : "hidden"} shrink-0 flex-col border-r border-stone-200 bg-white md:static md:flex md:w-60 md:shadow-none`}
      >
        <div className="flex items-center justify-between gap-2 px-5 py-5 text-lg font-semibold">
          <span className="flex items-center gap-2">
            <KilnMark /> Kiln
          </span>
          <button
            type="button"
            onClick={() => setOpen(false)}
            aria-label="Close menu"
            className="rounded p-1 text-stone-500 hover:bg-stone-100 hover:text-stone-900 md:hidden"
          >
            <X aria-hidden className="h-5 w-5" />
          </button>
        </div>
        <nav aria-label="Console" className="flex-1 space-y-0.5 px-3">
          {areas.map((a, i) => {
            const count = counts[a.href];
            const Icon = NAV_ICONS[a.href];
            return (
              <div key={a.href}>
                {a.href.startsWith("/admin") && !areas[i - 1]?.href.startsWith("/admin") && (
                  <div className="px-3 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-stone-500">
                    Admin
                  </div>
                )}
                <Link
                  href={a.href}
                  aria-current={isActive(a.href) ? "page" : undefined}
                  className={`block rounded-md px-3 py-2 text-sm font-medium ${isActive(a.href) ? "bg-kiln-50 text-kiln-700" : "text-stone-700 hover:bg-stone-100"}`}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="flex min-w-0 items-center gap-2.5">
                      {Icon && <Icon aria-hidden className="h-4 w-4 shrink-0 opacity-80" />}
                      <span data-label>{a.label}</span>
                    </span>
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
            <SignOutForm action={signOutAction}>
              <button
                type="submit"
                className="flex items-center gap-1 text-xs font-medium text-stone-600 hover:text-stone-900"
              >
                <LogOut aria-hidden className="h-3.5 w-3.5" /> Sign out
              </button>
            </SignOutForm>
          </div>
          <details className="mt-2 text-xs" data-testid="account-menu">
            <summary className="cursor-pointer text-stone-500 hover:text-stone-900">Account</summary>
            <SignOutForm action={signOutEverywhereAction} className="mt-2">
              <button type="submit" className="font-medium text-stone-700 hover:text-stone-900">
                Sign out everywhere
              </button>
              <p className="mt-1 text-stone-500">
                Ends your sessions in every browser and device, this one included. Use it if you signed in somewhere you
                should not stay signed in.
              </p>
            </SignOutForm>
          </details>
          <button
            type="button"
            onClick={openShortcuts}
            className="mt-2 hidden items-center gap-1 text-xs text-stone-500 hover:text-stone-900 md:flex"
          >
            <Keyboard aria-hidden className="h-3.5 w-3.5" /> Keyboard shortcuts <kbd className="font-mono">?</kbd>
          </button>
        </div>
      </aside>
    </>
  );
}
