import type { SafeZone } from "@/db/schema/delivery";

/**
 * A placement's shape at a glance: a box of its aspect ratio fitted in `box` pixels, with the safe
 * zone's margins shaded (where text may not go) and the safe area outlined.
 */
export function PlacementShape({
  width,
  height,
  safeZone,
  box = 64,
  label,
}: {
  width: number;
  height: number;
  safeZone: SafeZone;
  box?: number;
  label?: string;
}) {
  const valid = width > 0 && height > 0;
  const scale = valid ? box / Math.max(width, height) : 1;
  const w = valid ? Math.max(2, Math.round(width * scale)) : box;
  const h = valid ? Math.max(2, Math.round(height * scale)) : box;
  return (
    <div
      className="flex items-center justify-center"
      style={{ width: box, height: box }}
      role="img"
      aria-label={label ?? `${width}×${height} with safe zone`}
    >
      <div
        className="relative overflow-hidden rounded-sm border border-stone-400 bg-stone-200"
        style={{ width: w, height: h }}
      >
        <SafeZoneOverlay safeZone={safeZone} />
      </div>
    </div>
  );
}

/** The safe zone over a crop: the margins shaded, the area where text may go outlined. Parent: relative, overflow-hidden. */
export function SafeZoneOverlay({ safeZone, testId }: { safeZone: SafeZone; testId?: string }) {
  const empty = !safeZone.top && !safeZone.right && !safeZone.bottom && !safeZone.left;
  if (empty) return null;
  return (
    <div
      aria-hidden
      data-testid={testId}
      className="pointer-events-none absolute border border-dashed border-white/90"
      style={{
        top: pct(safeZone.top),
        right: pct(safeZone.right),
        bottom: pct(safeZone.bottom),
        left: pct(safeZone.left),
        boxShadow: "0 0 0 9999px rgba(220, 38, 38, 0.28)",
      }}
    />
  );
}

function pct(n: number): string {
  return `${Math.round(n * 10_000) / 100}%`;
}
