import type { Density } from "./types";

/** Tile sizes per density: the grid fits as many columns of at least `minTile` px as the width allows. */
export const DENSITY: Record<
  Density,
  { minTile: number; caption: number; gap: number; listRow: number; label: string }
> = {
  compact: { minTile: 120, caption: 46, gap: 8, listRow: 44, label: "Compact" },
  comfortable: { minTile: 180, caption: 52, gap: 12, listRow: 60, label: "Comfortable" },
  large: { minTile: 280, caption: 56, gap: 16, listRow: 92, label: "Large" },
};
