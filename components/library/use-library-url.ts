"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
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
  const update = useCallback(
    (patch: Partial<LibraryUrlState>, how: "push" | "replace" = "push") => {
      const href = libraryHref(pathname, { ...state, ...patch });
      if (how === "push") router.push(href, { scroll: false });
      else router.replace(href, { scroll: false });
    },
    [pathname, router, state],
  );
  return { state, update };
}
