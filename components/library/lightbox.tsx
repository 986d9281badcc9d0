"use client";

import Link from "@/components/ui/link";
import { useEffect, useRef, useState } from "react";
import { keyBelongsToControl } from "@/components/ui/shortcut-target";
import { CarriedColumnRows } from "./carried-columns";
import { DownloadMenu } from "@/components/delivery/download-menu";
import { formatDateTime, formatMicros } from "./format";
import { LibraryStatusBadge } from "./status-badge";
import { StarButton } from "./star-button";
import type { LibraryItem } from "./types";

type Props = {
  items: LibraryItem[];
  index: number;
  total: number;
  onIndex: (index: number) => void;
  onClose: () => void;
  /** Asked when the viewer steps past the last loaded result. */
  onNeedMore: () => void;
  hasMore: boolean;
  /** Searches a carried column's value (closes the lightbox: the results change). */
  onSearchText: (value: string) => void;
};

/** A large preview over the grid: ←/→ step through the results (loading more at the end), Esc closes. */
export function Lightbox({ items, index, total, onIndex, onClose, onNeedMore, hasMore, onSearchText }: Props) {
  const item = items[index];
  const dialog = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    dialog.current?.focus();
    const body = document.body.style;
    const overflow = body.overflow;
    body.overflow = "hidden";
    return () => {
      body.overflow = overflow;
      (opener.current as HTMLElement | null)?.focus?.({ preventScroll: true });
    };
  }, []);

  const canPrev = index > 0;
  const canNext = index < items.length - 1 || hasMore;
  // → on the last loaded result while more exist: ask for the next page and step once it arrives.
  const [waitingFor, setWaitingFor] = useState<number | null>(null);
  useEffect(() => {
    if (index >= items.length - 3 && hasMore) onNeedMore();
  }, [index, items.length, hasMore, onNeedMore]);
  useEffect(() => {
    if (waitingFor === null) return;
    if (waitingFor < items.length) {
      setWaitingFor(null);
      onIndex(waitingFor);
    } else if (!hasMore) setWaitingFor(null);
  }, [waitingFor, items.length, hasMore, onIndex]);
  const next = () => {
    if (index < items.length - 1) onIndex(index + 1);
    else if (hasMore) {
      onNeedMore();
      setWaitingFor(index + 1);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (keyBelongsToControl(e.key, e.target)) return;
      if (e.key === "Escape") onClose();
      else if (e.key === "ArrowLeft" && canPrev) onIndex(index - 1);
      else if (e.key === "ArrowRight" && canNext) next();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (!item) return null;
  const src = item.previewUrl ?? item.thumbUrl;
  const meta: [string, string][] = [
    ["Tier", item.tier ?? "—"],
    ["Source", item.source],
    ["Campaign", item.campaign ?? "—"],
    ["Designer", item.ownerName],
    ["Created", formatDateTime(item.createdAt)],
    ["Approved", formatDateTime(item.approvedAt)],
    ["Size", item.width && item.height ? `${item.width}×${item.height}` : "—"],
    ["Cost", formatMicros(item.costMicros)],
  ];

  return (
    <div
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={item.title}
      tabIndex={-1}
      data-testid="lightbox"
      data-asset-id={item.id}
      className="fixed inset-0 z-50 flex flex-col bg-stone-950/90 text-neutral-100 focus:outline-none md:flex-row"
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        className="relative flex min-h-0 min-w-0 flex-1 items-center justify-center p-6"
        onClick={(e) => e.target === e.currentTarget && onClose()}
      >
        {src ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img
            key={item.id}
            src={src}
            alt={item.title}
            className="max-h-full max-w-full rounded object-contain shadow-2xl"
            data-testid="lightbox-image"
          />
        ) : (
          <p className="text-neutral-400">No preview yet.</p>
        )}
        <NavButton label="Previous" disabled={!canPrev} onClick={() => onIndex(index - 1)} className="left-3">
          ←
        </NavButton>
        <NavButton label="Next" disabled={!canNext || waitingFor !== null} onClick={next} className="right-3">
          →
        </NavButton>
      </div>
      <aside className="flex max-h-[45vh] w-full shrink-0 flex-col gap-4 overflow-y-auto bg-white p-5 text-sm text-stone-800 md:max-h-none md:w-80">
        <div className="flex items-start justify-between gap-2">
          <h2 className="text-base font-semibold text-stone-900" data-testid="lightbox-title">
            {item.title || "Untitled"}
          </h2>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            className="rounded px-1.5 text-lg leading-6 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
          >
            ×
          </button>
        </div>
        <div className="flex items-center gap-2">
          <LibraryStatusBadge item={item} />
          <StarButton id={item.id} starred={item.starred} />
        </div>
        <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5">
          {meta.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-stone-500">{k}</dt>
              <dd className="min-w-0 break-words">{v}</dd>
            </div>
          ))}
          {item.tags.length > 0 && (
            <div className="contents">
              <dt className="text-stone-500">Tags</dt>
              <dd className="flex flex-wrap gap-1">
                {item.tags.map((t) => (
                  <span key={t} className="rounded bg-stone-100 px-1.5 py-0.5 text-xs text-stone-700">
                    {t}
                  </span>
                ))}
              </dd>
            </div>
          )}
        </dl>
        {Object.keys(item.metadata ?? {}).length > 0 && (
          <section aria-label="Product" className="border-t border-stone-100 pt-3">
            <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-stone-500">Product</h3>
            <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5" data-testid="lightbox-product">
              <CarriedColumnRows metadata={item.metadata} onSearch={onSearchText} />
            </dl>
          </section>
        )}
        <div className="flex gap-2">
          <Link
            href={`/assets/${item.id}`}
            className="inline-flex flex-1 items-center justify-center rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
          >
            Open asset page
          </Link>
          <DownloadMenu key={item.id} assetId={item.id} />
        </div>
        <p className="mt-auto text-xs text-stone-500" data-testid="lightbox-position">
          {index + 1} of {total.toLocaleString("en-US")}
          {waitingFor !== null ? " · loading more…" : " · ← → to move, Esc to close"}
        </p>
      </aside>
    </div>
  );
}

function NavButton({
  label,
  disabled,
  onClick,
  className,
  children,
}: {
  label: string;
  disabled: boolean;
  onClick: () => void;
  className: string;
  children: string;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
      className={`absolute top-1/2 -translate-y-1/2 rounded-full bg-neutral-50/10 px-3 py-2 text-2xl text-neutral-50 hover:bg-neutral-50/20 disabled:opacity-20 ${className}`}
    >
      {children}
    </button>
  );
}
