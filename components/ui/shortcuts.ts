"use client";

import { useEffect, useSyncExternalStore } from "react";

/** One page's (or panel's) keyboard shortcuts: [keys, what they do]. */
export type ShortcutGroup = { title: string; keys: readonly (readonly [string, string])[] };

const groups = new Map<symbol, ShortcutGroup>();
let snapshot: ShortcutGroup[] = [];
const listeners = new Set<() => void>();
const emit = () => {
  snapshot = [...groups.values()];
  for (const l of listeners) l();
};

/** Lists a component's shortcuts in the `?` overlay while it is mounted. Pass a module-level constant. */
export function useShortcuts(group: ShortcutGroup) {
  useEffect(() => {
    const id = Symbol(group.title);
    groups.set(id, group);
    emit();
    return () => {
      groups.delete(id);
      emit();
    };
  }, [group]);
}

export function useShortcutGroups(): ShortcutGroup[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
    () => snapshot,
  );
}

/** Opens the overlay from a button (the nav's "Keyboard shortcuts"). */
export const OPEN_SHORTCUTS_EVENT = "kiln:shortcuts";
export const openShortcuts = () => window.dispatchEvent(new Event(OPEN_SHORTCUTS_EVENT));
