"use client";

import Link from "@/components/ui/link";
import type { MouseEvent } from "react";
import { DownloadMenu } from "@/components/delivery/download-menu";
import { RightsFlag } from "@/components/delivery/rights-flag";
import { LibraryStatusBadge } from "./status-badge";
import { StarButton } from "./star-button";
import type { Density, LibraryItem } from "./types";

type Props = {
  item: LibraryItem;
  density: Density;
  selected: boolean;
  onSelect: (e: MouseEvent) => void;
  onOpen: () => void;
};

/** One result: the thumbnail opens the lightbox, the title goes to the asset page, the box selects (shift for a range). */
export function AssetTile({ item, density, selected, onSelect, onOpen }: Props) {
  return (
    <div
      className={`group flex h-full flex-col overflow-hidden rounded-lg border bg-white text-xs shadow-sm ${selected ? "border-kiln-500 ring-2 ring-kiln-500/40" : "border-stone-200"}`}
      data-testid="library-tile"
      data-asset-id={item.id}
      data-status={item.status}
      data-selected={selected || undefined}
    >
      <div className="relative min-h-0 flex-1 bg-stone-100">
        <button
          type="button"
          onClick={onOpen}
          className="flex h-full w-full items-center justify-center focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-kiln-500"
          aria-label={`Preview ${item.title}`}
        >
          {item.thumbUrl ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img
              src={item.thumbUrl}
              alt=""
              loading="lazy"
              decoding="async"
              draggable={false}
              className="h-full w-full object-contain"
            />
          ) : (
            <span className="px-2 text-center text-stone-500">No thumbnail yet</span>
          )}
        </button>
        <label
          className={`absolute left-1.5 top-1.5 flex h-6 w-6 cursor-pointer items-center justify-center rounded bg-white/90 shadow-sm ${selected ? "" : "opacity-0 focus-within:opacity-100 group-hover:opacity-100"} [@media(hover:none)]:opacity-100`}
        >
          <input
            type="checkbox"
            checked={selected}
            onChange={() => {}}
            onClick={onSelect}
            aria-label={`Select ${item.title}`}
            className="h-4 w-4 accent-kiln-600"
            data-testid="tile-select"
          />
        </label>
        <StarButton
          id={item.id}
          starred={item.starred}
          className={`absolute right-1 top-1 bg-white/90 shadow-sm ${item.starred ? "" : "opacity-0 focus:opacity-100 group-hover:opacity-100"}`}
        />
        <DownloadMenu
          assetId={item.id}
          title={item.title}
          variant="icon"
          className="absolute bottom-1.5 right-1.5 opacity-0 focus:opacity-100 aria-expanded:opacity-100 group-hover:opacity-100 [@media(hover:none)]:opacity-100"
        />
      </div>
      <div className={`shrink-0 space-y-1 ${density === "compact" ? "px-1.5 py-1" : "p-2"}`}>
        <Link
          href={`/assets/${item.id}`}
          className="block truncate font-medium text-stone-800 hover:text-kiln-700 hover:underline"
          title={item.title}
          data-testid="tile-title"
        >
          {item.title || "Untitled"}
        </Link>
        <div className="flex items-center justify-between gap-1 overflow-hidden whitespace-nowrap">
          <LibraryStatusBadge item={item} />
          <RightsFlag expiresAt={item.rightsExpiresAt ?? null} compact />
          {density !== "compact" && <span className="truncate text-stone-500">{item.campaign ?? item.tier ?? ""}</span>}
        </div>
      </div>
    </div>
  );
}

export function TileSkeleton() {
  return (
    <div
      className="flex h-full animate-pulse flex-col overflow-hidden rounded-lg border border-stone-200 bg-white"
      aria-hidden
    >
      <div className="flex-1 bg-stone-200/70" />
      <div className="space-y-1 p-2">
        <div className="h-3 w-3/4 rounded bg-stone-200" />
        <div className="h-3 w-1/3 rounded bg-stone-100" />
      </div>
    </div>
  );
}
