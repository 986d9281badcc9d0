"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { api } from "@/components/api-client";
import type { DownloadChoices } from "@/lib/delivery/download";
import {
  DEFAULT_QUALITY,
  DOWNLOAD_FORMAT_LABEL,
  downloadUrl,
  type DownloadFormat,
} from "@/lib/delivery/download-formats";

type Props = {
  assetId: string;
  /** The version picked when the menu opens (the review screen's version under review); default the current one. */
  version?: number;
  /** "button" beside other page actions, "block" full width (the lightbox), "icon" a small tile action. */
  variant?: "button" | "block" | "icon";
  /** For the icon's accessible name ("Download Trail shoe KLN-0042"). */
  title?: string;
  className?: string;
};

const HINT: Record<Exclude<DownloadFormat, "original">, string> = {
  png: "lossless",
  jpeg: `quality ${DEFAULT_QUALITY.jpeg}`,
  webp: `quality ${DEFAULT_QUALITY.webp}`,
  avif: `quality ${DEFAULT_QUALITY.avif} · smallest`,
};
const CONVERTED = ["png", "jpeg", "webp", "avif"] as const;

const TRIGGER: Record<NonNullable<Props["variant"]>, string> = {
  button:
    "inline-flex items-center gap-1.5 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500",
  block:
    "inline-flex w-full items-center justify-center gap-1.5 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500",
  icon: "flex h-6 w-6 items-center justify-center rounded-full bg-white/90 text-sm leading-none text-stone-600 shadow-sm hover:text-kiln-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500",
};

/**
 * "Download ▾": a small menu of the asset's formats — the original as stored, or PNG, JPEG, WebP,
 * AVIF made full size with Kiln's chosen metadata — and a version picker when there are several.
 * Each entry is a plain link to the download route (the browser saves the file it answers), so it
 * needs no script of its own to work. Arrow keys move, Escape closes and returns focus; while the
 * menu has focus, the page's own shortcuts (review's A/R/X, the lightbox's arrows) stay quiet.
 */
export function DownloadMenu({ assetId, version, variant = "button", title, className = "" }: Props) {
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<number | null>(version ?? null);
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);
  const [host, setHost] = useState<Element | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const choices = useQuery({
    queryKey: ["download-choices", assetId],
    queryFn: () => api<DownloadChoices>(`/api/assets/${assetId}/downloads`),
    enabled: open,
    staleTime: 30_000,
  });
  useEffect(() => setPicked(version ?? null), [version, assetId]);

  const versions = choices.data?.versions ?? [];
  const current = versions.find((v) => v.current);
  const chosen = versions.find((v) => v.number === picked) ?? current;
  const target: number | "current" = picked ?? "current";

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  }, []);

  // Placed in the viewport (fixed), under the button, inside the nearest dialog so a modal keeps it; never clipped by a tile.
  useLayoutEffect(() => {
    if (!open || !trigger.current) return;
    const r = trigger.current.getBoundingClientRect();
    const width = 240;
    const left = Math.max(8, Math.min(window.innerWidth - width - 8, r.right - width));
    const below = r.bottom + 4;
    setPlace({ top: below + 320 > window.innerHeight ? Math.max(8, r.top - 4 - 320) : below, left });
    setHost(trigger.current.closest('[role="dialog"]') ?? document.body);
  }, [open]);

  useEffect(() => {
    if (open && place) panel.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open, place]);

  useEffect(() => {
    if (!open) return;
    const inside = (node: EventTarget | null) =>
      node instanceof Node && (panel.current?.contains(node) || trigger.current?.contains(node));
    // Window, capture phase: before the lightbox's and the review screen's own key handlers.
    const onKey = (e: KeyboardEvent) => {
      if (!inside(e.target) && !inside(document.activeElement)) return;
      e.stopPropagation();
      if (e.key === "Escape") {
        e.preventDefault();
        close(true);
        return;
      }
      if (e.target instanceof HTMLSelectElement) return; // its own arrows pick a version
      const items = [...(panel.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
      const at = items.indexOf(document.activeElement as HTMLElement);
      const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[e.key];
      if (move === undefined || !items.length) return;
      e.preventDefault();
      items[(move + items.length) % items.length]?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!inside(e.target)) close(false);
    };
    const onFocus = (e: FocusEvent) => {
      if (!inside(e.target)) close(false);
    };
    const onMove = () => close(false);
    window.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("focusin", onFocus);
    window.addEventListener("resize", onMove);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("focusin", onFocus);
      window.removeEventListener("resize", onMove);
    };
  }, [open, close]);

  const item =
    "flex w-full items-baseline justify-between gap-3 rounded px-2.5 py-1.5 text-left text-sm text-stone-800 hover:bg-stone-100 focus:bg-kiln-50 focus:text-kiln-800 focus:outline-none";
  const menu =
    open && place && host
      ? createPortal(
          <div
            ref={panel}
            id={menuId}
            className="fixed z-[70] w-60 rounded-lg border border-stone-200 bg-white p-1.5 text-stone-800 shadow-xl"
            style={{ top: place.top, left: place.left }}
            data-testid="download-menu"
            onClick={(e) => e.stopPropagation()}
          >
            {versions.length > 1 && (
              <label className="mb-1 flex items-center justify-between gap-2 border-b border-stone-100 px-2.5 pb-2 pt-1 text-xs text-stone-500">
                Version
                <select
                  className="rounded border border-stone-300 bg-white px-1.5 py-0.5 text-sm text-stone-800"
                  value={chosen?.number ?? ""}
                  onChange={(e) => setPicked(Number(e.target.value))}
                  data-testid="download-version"
                >
                  {versions.map((v) => (
                    <option key={v.number} value={v.number}>
                      v{v.number}
                      {v.current ? " (current)" : ""}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <div role="menu" aria-label={`Download ${chosen ? `version ${chosen.number}` : "the current version"}`}>
              <a
                role="menuitem"
                href={downloadUrl(assetId, target, "original")}
                download
                className={item}
                data-format="original"
                onClick={() => close(false)}
              >
                <span>Original{chosen ? ` (${chosen.originalLabel})` : ""}</span>
                <span className="text-xs text-stone-500">as stored</span>
              </a>
              {CONVERTED.map((f) => (
                <a
                  key={f}
                  role="menuitem"
                  href={downloadUrl(assetId, target, f)}
                  download
                  className={item}
                  data-format={f}
                  onClick={() => close(false)}
                >
                  <span>{DOWNLOAD_FORMAT_LABEL[f]}</span>
                  <span className="text-xs text-stone-500">{HINT[f]}</span>
                </a>
              ))}
            </div>
            <p className="mt-1 border-t border-stone-100 px-2.5 pb-1 pt-2 text-xs leading-snug text-stone-500">
              {chosen ? `${chosen.width}×${chosen.height} · ` : ""}
              Converted files carry the title, credit and confirmed alt text; none carry location or camera data.
            </p>
            {choices.isError && <p className="px-2.5 pb-1 text-xs text-red-700">{choices.error.message}</p>}
          </div>,
          host,
        )
      : null;

  return (
    <>
      <button
        ref={trigger}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={variant === "icon" ? `Download ${title ?? "this asset"}` : undefined}
        title={variant === "icon" ? "Download" : undefined}
        className={`${TRIGGER[variant]} ${className}`}
        data-testid="download-menu-button"
        onClick={(e) => {
          e.stopPropagation();
          setOpen((o) => !o);
        }}
      >
        {variant === "icon" ? (
          <span aria-hidden>⤓</span>
        ) : (
          <>
            Download <span aria-hidden>▾</span>
          </>
        )}
      </button>
      {menu}
    </>
  );
}
