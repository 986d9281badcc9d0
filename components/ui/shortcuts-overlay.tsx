"use client";

import { Keyboard, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { keyBelongsToControl } from "./shortcut-target";
import { OPEN_SHORTCUTS_EVENT, useShortcutGroups, type ShortcutGroup } from "./shortcuts";

const EVERYWHERE: ShortcutGroup = {
  title: "Everywhere",
  keys: [
    ["?", "show or hide this list"],
    ["Esc", "close a dialog or this list"],
  ],
};

/**
 * The keyboard shortcuts of the page, opened with `?` (outside text fields) and closed with Escape.
 * A modal <dialog>: the browser keeps focus inside and returns it on close; keys pressed while it is
 * open do not reach the page's own shortcuts.
 */
export function ShortcutsOverlay() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const groups = useShortcutGroups();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.metaKey || e.ctrlKey || e.altKey || keyBelongsToControl(e.key, e.target)) return;
      e.preventDefault();
      setOpen((o) => !o);
    };
    const onOpen = () => setOpen(true);
    window.addEventListener("keydown", onKey);
    window.addEventListener(OPEN_SHORTCUTS_EVENT, onOpen);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener(OPEN_SHORTCUTS_EVENT, onOpen);
    };
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby="shortcuts-title"
      data-testid="shortcuts-overlay"
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-stone-200 bg-white p-0 text-stone-900 shadow-xl backdrop:bg-black/50"
      onClose={() => setOpen(false)}
      onClick={(e) => e.target === e.currentTarget && setOpen(false)}
      onKeyDown={(e) => {
        // The page's shortcuts listen on window; nothing typed here should reach them.
        e.stopPropagation();
        if (e.key === "?") setOpen(false);
      }}
    >
      {open && (
        <div className="p-5">
          <div className="flex items-center justify-between gap-3">
            <h2 id="shortcuts-title" className="flex items-center gap-2 text-lg font-semibold">
              <Keyboard aria-hidden className="h-5 w-5 text-stone-500" /> Keyboard shortcuts
            </h2>
            <button
              type="button"
              onClick={() => setOpen(false)}
              className="rounded p-1 text-stone-500 hover:bg-stone-100 hover:text-stone-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500"
              aria-label="Close"
              autoFocus
            >
              <X aria-hidden className="h-5 w-5" />
            </button>
          </div>
          {[...groups, EVERYWHERE].map((g) => (
            <section key={g.title} aria-label={g.title} className="mt-4">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-stone-500">{g.title}</h3>
              <dl className="mt-1 divide-y divide-stone-100 text-sm">
                {g.keys.map(([k, what]) => (
                  <div key={k} className="flex items-center justify-between gap-4 py-1.5">
                    <dt className="text-stone-700">{what}</dt>
                    <dd className="shrink-0">
                      <kbd className="rounded border border-stone-300 bg-stone-50 px-1.5 py-0.5 font-mono text-xs text-stone-800">
                        {k}
                      </kbd>
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
          {groups.length === 0 && <p className="mt-3 text-sm text-stone-500">This page has no shortcuts of its own.</p>}
        </div>
      )}
    </dialog>
  );
}
