"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import Link from "@/components/ui/link";
import { useEffect } from "react";
import { CarriedColumnsInline } from "./carried-columns";
import { DENSITY } from "./density";
import { formatDate, formatMicros } from "./format";
import { RightsFlag } from "@/components/delivery/rights-flag";
import { LibraryStatusBadge } from "./status-badge";
import { StarButton } from "./star-button";
import type { ResultViewProps } from "./types";
import { useWindowOffset } from "./use-window-offset";

// Two facts per cell (title over campaign and the first carried CSV columns, status beside tier,
// designer over date) keep every field readable beside the filter sidebar without a horizontal scroll.
const COLUMNS = [
  { label: "Title · campaign · product", className: "" },
  { label: "Status · tier", className: "w-44" },
  { label: "Designer · created", className: "w-40" },
  { label: "Cost", className: "w-20 text-right" },
];

/** The same results as table rows, virtualised the same way (spacer rows above and below keep the scroll height). */
export function AssetList({
  items,
  density,
  hasMore,
  loadingMore,
  onLoadMore,
  isSelected,
  onSelect,
  onOpen,
  onSearchText,
}: ResultViewProps) {
  const { ref, top } = useWindowOffset<HTMLDivElement>();
  const rowHeight = DENSITY[density].listRow;
  const thumb = rowHeight - 12;
  // The carried CSV columns get a line of their own where the row has room for three; compact rows add them after the campaign.
  const productLine = density !== "compact";
  const virtualizer = useWindowVirtualizer({
    count: items.length + (hasMore ? 1 : 0),
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollMargin: top + 33,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const rows = virtualizer.getVirtualItems();
  const lastIndex = rows.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - 10) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, items.length, onLoadMore]);

  const before = rows.length ? rows[0]!.start - virtualizer.options.scrollMargin : 0;
  const after = rows.length ? virtualizer.getTotalSize() - (rows.at(-1)!.end - virtualizer.options.scrollMargin) : 0;

  return (
    <div ref={ref} className="overflow-x-auto rounded-lg border border-stone-200 bg-white shadow-sm">
      <table className="w-full table-fixed text-left text-sm" data-testid="library-list">
        <thead className="h-[33px] border-b border-stone-200 text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th className="w-10 px-3 font-medium">
              <span className="sr-only">Select</span>
            </th>
            <th className="font-medium" style={{ width: thumb + 12 }}>
              <span className="sr-only">Thumbnail</span>
            </th>
            {COLUMNS.map((c) => (
              <th key={c.label} className={`py-2 pr-3 font-medium ${c.className}`}>
                {c.label}
              </th>
            ))}
            <th className="w-10">
              <span className="sr-only">Star</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {before > 0 && <tr style={{ height: before }} aria-hidden />}
          {rows.map((row) => {
            const item = items[row.index];
            if (!item)
              return (
                <tr key={row.key} style={{ height: rowHeight }}>
                  <td colSpan={COLUMNS.length + 3} className="px-3 text-stone-500">
                    Loading more…
                  </td>
                </tr>
              );
            const selected = isSelected(item.id);
            return (
              <tr
                key={row.key}
                style={{ height: rowHeight }}
                className={selected ? "bg-kiln-50" : "hover:bg-stone-50"}
                data-testid="library-row"
                data-asset-id={item.id}
                data-status={item.status}
              >
                <td className="px-3">
                  <input
                    type="checkbox"
                    checked={selected}
                    onChange={() => {}}
                    onClick={(e) => onSelect(item.id, e)}
                    aria-label={`Select ${item.title}`}
                    className="h-4 w-4 accent-kiln-600"
                    data-testid="tile-select"
                  />
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => onOpen(row.index)}
                    aria-label={`Preview ${item.title}`}
                    className="flex items-center justify-center overflow-hidden rounded bg-stone-100"
                    style={{ width: thumb, height: thumb }}
                  >
                    {item.thumbUrl && (
                      // eslint-disable-next-line @next/next/no-img-element
                      <img
                        src={item.thumbUrl}
                        alt=""
                        loading="lazy"
                        decoding="async"
                        className="h-full w-full object-contain"
                      />
                    )}
                  </button>
                </td>
                <td className="pr-3">
                  <Link
                    href={`/assets/${item.id}`}
                    className="block truncate font-medium text-stone-800 hover:text-kiln-700 hover:underline"
                    title={item.title}
                  >
                    {item.title || "Untitled"}
                  </Link>
                  <span className="block truncate text-xs text-stone-500">
                    {item.campaign ?? "no campaign"}
                    {productLine ? null : (
                      <CarriedColumnsInline metadata={item.metadata} onSearch={onSearchText} separated />
                    )}
                  </span>
                  {productLine && (
                    <span className="block truncate text-xs text-stone-500">
                      <CarriedColumnsInline metadata={item.metadata} onSearch={onSearchText} />
                    </span>
                  )}
                </td>
                <td className="pr-3">
                  <div className="flex items-center gap-2 overflow-hidden whitespace-nowrap">
                    <LibraryStatusBadge item={item} />
                    <RightsFlag expiresAt={item.rightsExpiresAt ?? null} />
                    <span className="text-xs text-stone-500">{item.tier ?? item.source}</span>
                  </div>
                </td>
                <td className="pr-3">
                  <span className="block truncate text-stone-700">{item.ownerName}</span>
                  <span className="block truncate text-xs text-stone-500">{formatDate(item.createdAt)}</span>
                </td>
                <td className="pr-3 text-right tabular-nums text-stone-600">{formatMicros(item.costMicros)}</td>
                <td>
                  <StarButton id={item.id} starred={item.starred} />
                </td>
              </tr>
            );
          })}
          {after > 0 && <tr style={{ height: after }} aria-hidden />}
        </tbody>
      </table>
    </div>
  );
}
