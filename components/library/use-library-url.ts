"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { DENSITIES, SORTS, VIEWS, type Density, type Sort, type View } from "./types";

export type LibraryUrlState = { q: string; sort: Sort; view: View; density: Density };

const DEFAULTS: LibraryUrlState = { q: "", sort: "newest", view: "grid", density: "comfortable" };

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export function libraryHref(pathname: string, state: LibraryUrlState): string {
  const qs = new URLSearchParams();
  if (state.q) qs.set("q", state.q);
  // Defaults stay out of the URL so a shared link is short.
  if (state.sort !== DEFAULTS.sort) qs.set("sort", state.sort);
  if (state.view !== DEFAULTS.view) qs.set("view", state.view);
  if (state.density !== DEFAULTS.density) qs.set("density", state.density);
  const s = qs.toString();
  return s ? `${pathname}?${s}` : pathname;
}

/**
 * What the URL will say once the navigations already asked for have landed. A router navigation
 * lands later (the server answers first), so two quick changes — "Grid", then a facet — would each
 * start from the URL on screen and the second would undo the first. Each change starts from the
 * last one asked for until the URL shows it (or the person goes back or forward).
 */
export class PendingUrl {
  /** Navigations asked for and not yet on screen, oldest first. */
  private queue: { href: string; state: LibraryUrlState }[] = [];
  /** The URL on screen when the queue was last looked at. */
  private here: string | null = null;

  /** The state a change starts from: the last one asked for, or the URL's while none is pending. */
  base(pathname: string, onScreen: LibraryUrlState): LibraryUrlState {
    const here = libraryHref(pathname, onScreen);
    const landed = this.queue.findIndex((a) => a.href === here);
    if (landed >= 0) this.queue.splice(0, landed + 1);
    else if (here !== this.here) this.queue = []; // something else moved the URL (a link): follow it
    this.here = here;
    return this.queue.at(-1)?.state ?? onScreen;
  }

  ask(pathname: string, state: LibraryUrlState): string {
    const href = libraryHref(pathname, state);
    this.queue.push({ href, state });
    return href;
  }

  /** Back or forward: the URL is the person's choice again. */
  forget(): void {
    this.queue = [];
    this.here = null;
  }
}

/**
 * The library's whole state lives in the URL (/assets?q=…&sort=…&view=…&density=…): shareable, and
 * the back button undoes a filter. `push` adds a history entry (a search, a facet click); `replace`
 * does not (debounced typing, view settings).
 */
export function useLibraryUrl() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo<LibraryUrlState>(
    () => ({
      q: params.get("q") ?? "",
      sort: pick(
        params.get("sort"),
        SORTS.map((s) => s.value),
        DEFAULTS.sort,
      ),
      view: pick(params.get("view"), VIEWS, DEFAULTS.view),
      density: pick(params.get("density"), DENSITIES, DEFAULTS.density),
    }),
    [params],
  );
  const [pending] = useState(() => new PendingUrl());
  useEffect(() => {
    const forget = () => pending.forget();
    window.addEventListener("popstate", forget);
    return () => window.removeEventListener("popstate", forget);
  }, [pending]);
  const update = useCallback(
    (patch: Partial<LibraryUrlState>, how: "push" | "replace" = "push") => {
      const href = pending.ask(pathname, { ...pending.base(pathname, state), ...patch });
      if (how === "push") router.push(href, { scroll: false });
      else router.replace(href, { scroll: false });
    },
    [pathname, router, state, pending],
  );
  return { state, update };
}
