"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useEffect } from "react";
import { DENSITY } from "./density";
import { AssetTile, TileSkeleton } from "./asset-tile";
import type { Density, ResultViewProps } from "./types";
import { useWindowOffset } from "./use-window-offset";

/**
 * The thumbnail grid, virtualised by rows against the window's scroll: only the rows on screen (and
 * a few either side) exist in the DOM, so 10,000 results scroll like 100. Near the end of what is
 * loaded it asks for the next page by cursor.
 */
export function AssetGrid({
  items,
  density,
  hasMore,
  loadingMore,
  onLoadMore,
  isSelected,
  onSelect,
  onOpen,
}: ResultViewProps) {
  const { ref, top, width } = useWindowOffset<HTMLDivElement>();
  const d = DENSITY[density];
  const columns = Math.max(1, Math.floor((width + d.gap) / (d.minTile + d.gap)));
  const tile = width ? (width - d.gap * (columns - 1)) / columns : d.minTile;
  const rowHeight = Math.round(tile + d.caption + d.gap);
  const rows = Math.ceil(items.length / columns) + (hasMore ? 1 : 0);

  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => rowHeight,
    overscan: 3,
    scrollMargin: top,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasMore && !loadingMore && lastRow >= rows - 3) onLoadMore();
  }, [hasMore, loadingMore, lastRow, rows, onLoadMore]);

  return (
    <div
      ref={ref}
      data-testid="library-grid"
      data-columns={columns}
      style={{ height: virtualizer.getTotalSize(), position: "relative" }}
    >
      {virtualRows.map((row) => {
        const start = row.index * columns;
        const slice = items.slice(start, start + columns);
        return (
          <div
            key={row.key}
            className="absolute left-0 grid w-full"
            style={{
              top: 0,
              transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
              height: rowHeight - d.gap,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gap: d.gap,
            }}
          >
            {slice.length === 0
              ? Array.from({ length: columns }, (_, i) => <TileSkeleton key={i} />)
              : slice.map((item, i) => (
                  <AssetTile
                    key={item.id}
                    item={item}
                    density={density}
                    selected={isSelected(item.id)}
                    onSelect={(e) => onSelect(item.id, e)}
                    onOpen={() => onOpen(start + i)}
                  />
                ))}
          </div>
        );
      })}
    </div>
  );
}

export function GridSkeleton({ density }: { density: Density }) {
  const d = DENSITY[density];
  return (
    <div
      className="grid"
      style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${d.minTile}px, 1fr))`, gap: d.gap }}
      data-testid="library-loading"
      aria-busy
    >
      {Array.from({ length: 12 }, (_, i) => (
        <div key={i} style={{ height: d.minTile + d.caption }}>
          <TileSkeleton />
        </div>
      ))}
    </div>
  );
}
