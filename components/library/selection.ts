"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import type { LibrarySelection } from "@/lib/library/selection";

export type { LibrarySelection };

/**
 * The library's bulk selection, exposed for every action that works on it (tag, collect, send to
 * review here; export in the delivery work). Either explicit ids (clicked tiles, shift-click ranges)
 * or "every result of this query" — sent as `{ query }` so the server resolves it under the
 * viewer's visibility, never as a list of ids the page happened to load.
 */
export type SelectionState =
  { kind: "ids"; ids: ReadonlySet<string> } | { kind: "query"; query: string; total: number };

export type LibrarySelectionApi = {
  state: SelectionState;
  /** How many assets the selection holds (the query's total for "all results"). */
  count: number;
  isSelected(id: string): boolean;
  /** A click on a tile's checkbox; with shift, selects the range from the last click (by position in `order`). */
  toggle(id: string, opts?: { shift?: boolean; order?: readonly string[] }): void;
  selectAll(query: string, total: number): void;
  clear(): void;
  /** The body the bulk endpoints (and the delivery export) take; null when nothing is selected. */
  toSelection(): LibrarySelection | null;
};

const EMPTY: SelectionState = { kind: "ids", ids: new Set() };

export function toLibrarySelection(state: SelectionState): LibrarySelection | null {
  if (state.kind === "query") return { query: state.query };
  return state.ids.size ? { assetIds: [...state.ids] } : null;
}

/**
 * A checkbox click: toggles one tile, or with shift the range from the anchor (the last click) to
 * it, taking the anchor's state (selecting or clearing), as file managers do. A click while "all
 * results" is selected starts a fresh explicit selection.
 */
export function toggleSelection(
  prev: SelectionState,
  anchor: string | null,
  id: string,
  opts: { shift?: boolean; order?: readonly string[] } = {},
): SelectionState {
  const ids = new Set(prev.kind === "ids" ? prev.ids : []);
  const order = opts.order ?? [];
  const from = anchor ? order.indexOf(anchor) : -1;
  const to = order.indexOf(id);
  if (opts.shift && from >= 0 && to >= 0) {
    const select = prev.kind === "query" || ids.has(anchor!);
    for (const rid of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
      if (select) ids.add(rid);
      else ids.delete(rid);
    }
  } else if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { kind: "ids", ids };
}

export function useLibrarySelection(): LibrarySelectionApi {
  const [state, setState] = useState<SelectionState>(EMPTY);
  const anchor = useRef<string | null>(null);

  const toggle = useCallback((id: string, opts: { shift?: boolean; order?: readonly string[] } = {}) => {
    // Read the anchor now: React may run the updater after the next line has moved it.
    const from = anchor.current;
    setState((prev) => toggleSelection(prev, from, id, opts));
    anchor.current = id;
  }, []);

  const selectAll = useCallback((query: string, total: number) => {
    anchor.current = null;
    setState({ kind: "query", query, total });
  }, []);

  const clear = useCallback(() => {
    anchor.current = null;
    setState(EMPTY);
  }, []);

  return useMemo(
    () => ({
      state,
      count: state.kind === "query" ? state.total : state.ids.size,
      isSelected: (id: string) => state.kind === "query" || state.ids.has(id),
      toggle,
      selectAll,
      clear,
      toSelection: () => toLibrarySelection(state),
    }),
    [state, toggle, selectAll, clear],
  );
}
