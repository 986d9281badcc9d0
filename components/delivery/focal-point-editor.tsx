"use client";

import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { api, RequestError } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import type { SafeZone } from "@/db/schema/delivery";
import { cropBox, type FocalPoint, type Size } from "@/lib/delivery/crop-box";
import { aspectLabel } from "@/lib/placements/shared";
import { SafeZoneOverlay } from "./placement-shape";

export type PanelPlacement = {
  id: string;
  slug: string;
  name: string;
  width: number;
  height: number;
  safeZone: SafeZone;
};

type Props = {
  assetId: string;
  image: { url: string; width: number; height: number };
  focal: FocalPoint | null;
  automatic: FocalPoint | null;
  canMove: boolean;
  placements: PanelPlacement[];
};

const CENTRE: FocalPoint = { x: 0.5, y: 0.5 };
/** Arrow keys move the point 1 % of the image (Shift: 5 %). */
const STEP = 0.01;
const BIG_STEP = 0.05;

/**
 * The focal point on the preview image (click, or focus it and use the arrow keys) and every active
 * placement's crop around it, drawn in the browser from the same preview by CSS: one download, no
 * server renders. The crop geometry is lib/delivery/crop-box.ts, the renderer's own.
 */
export function FocalPointEditor({ assetId, image, focal, automatic, canMove, placements }: Props) {
  const [point, setPoint] = useState<FocalPoint | null>(focal);
  const [showSafe, setShowSafe] = useState(true);
  const [status, setStatus] = useState<{ tone: "idle" | "saving" | "saved" | "error"; text: string }>({
    tone: "idle",
    text: "",
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sequence = useRef(0);
  const unsaved = useRef<FocalPoint | null>(null);
  const effective = point ?? automatic ?? CENTRE;

  const persist = useCallback(
    async (body: { x: number; y: number } | { reset: true }, keepalive = false) => {
      const mine = ++sequence.current;
      unsaved.current = null;
      setStatus({ tone: "saving", text: "Saving…" });
      try {
        const r = await api<{ focal: FocalPoint | null }>(`/api/assets/${assetId}/focal-point`, {
          method: "PUT",
          json: body,
          keepalive,
        });
        if (mine !== sequence.current) return; // a later move is on its way
        setPoint(r.focal);
        setStatus({ tone: "saved", text: r.focal ? "Focal point saved." : "Back to automatic." });
      } catch (e) {
        if (mine !== sequence.current) return;
        setStatus({
          tone: "error",
          text: e instanceof RequestError ? e.message : "Could not save the focal point; try again.",
        });
      }
    },
    [assetId],
  );

  /** Moves the point at once on screen; saves after a short pause (key repeats send one request). */
  const move = useCallback(
    (next: FocalPoint, delay: number) => {
      const p = { x: clamp01(next.x), y: clamp01(next.y) };
      setPoint(p);
      unsaved.current = p;
      setStatus({ tone: "saving", text: "Saving…" });
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void persist(p), delay);
    },
    [persist],
  );
  // Leaving the page (or reloading it) inside the pause still saves the last move.
  useEffect(() => {
    const flush = () => {
      if (timer.current) clearTimeout(timer.current);
      if (unsaved.current) void persist(unsaved.current, true);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [persist]);

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (!canMove) return;
    const r = e.currentTarget.getBoundingClientRect();
    move({ x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height }, 0);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!canMove) return;
    const step = e.shiftKey ? BIG_STEP : STEP;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (!d) return;
    e.preventDefault();
    move({ x: effective.x + d[0]!, y: effective.y + d[1]! }, 400);
  };
  const reset = () => {
    if (timer.current) clearTimeout(timer.current);
    unsaved.current = null;
    setPoint(null);
    void persist({ reset: true });
  };

  const where = `${Math.round(effective.x * 100)}% across, ${Math.round(effective.y * 100)}% down`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start gap-4">
        <div className="w-full max-w-sm">
          <div
            className={`relative select-none overflow-hidden rounded-md border border-stone-200 bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500 ${canMove ? "cursor-crosshair" : ""}`}
            style={{ aspectRatio: `${image.width} / ${image.height}` }}
            data-testid="focal-surface"
            data-focal-x={effective.x}
            data-focal-y={effective.y}
            {...(canMove
              ? {
                  tabIndex: 0,
                  role: "application",
                  "aria-label": `Focal point, ${where}. Click the image or use the arrow keys (Shift for bigger steps) to move it.`,
                  onClick,
                  onKeyDown,
                }
              : { role: "img", "aria-label": `Focal point, ${where}.` })}
          >
            {/* eslint-disable-next-line @next/next/no-img-element -- the blob route serves it; next/image would re-encode */}
            <img
              src={image.url}
              alt=""
              className="pointer-events-none absolute inset-0 h-full w-full"
              draggable={false}
            />
            <Crosshair point={effective} automatic={point === null} />
          </div>
        </div>
        <div className="min-w-48 flex-1 space-y-2 text-sm">
          <p>
            <span className="font-medium text-stone-800">Focal point: </span>
            <span data-testid="focal-mode">
              {point ? "Set by hand" : automatic ? "Automatic (attention)" : "Automatic (centre)"}
            </span>
            <span className="block text-xs text-stone-500 tabular-nums">{where}</span>
          </p>
          {canMove ? (
            <p className="text-xs text-stone-500">
              Click where the subject is, or focus the image and use the arrow keys. Every crop below follows.
            </p>
          ) : (
            <p className="text-xs text-stone-500">
              You can look at the crops; only the asset&apos;s designer, a reviewer or an admin can move the point.
            </p>
          )}
          {canMove && point && (
            <Button variant="secondary" onClick={reset}>
              Reset to automatic
            </Button>
          )}
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input
              type="checkbox"
              checked={showSafe}
              onChange={(e) => setShowSafe(e.target.checked)}
              className="h-4 w-4 rounded border-stone-300"
            />
            Show safe zones
          </label>
          <p
            role="status"
            aria-live="polite"
            className={`text-xs ${status.tone === "error" ? "text-red-700" : "text-stone-500"}`}
          >
            {status.text}
          </p>
        </div>
      </div>
      {placements.length === 0 ? (
        <p className="text-sm text-stone-500">No active placements. An admin adds them under Placements.</p>
      ) : (
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-4" aria-label="Placement crops">
          {placements.map((p) => (
            <li key={p.id}>
              <CropTile image={image} placement={p} focal={effective} showSafe={showSafe} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Crosshair({ point, automatic }: { point: FocalPoint; automatic: boolean }) {
  const colour = automatic ? "bg-white/80" : "bg-kiln-500";
  return (
    <div aria-hidden className="pointer-events-none absolute inset-0" data-testid="focal-crosshair">
      <div
        className={`absolute inset-y-0 w-px ${colour} shadow-[0_0_0_1px_rgba(0,0,0,0.35)]`}
        style={{ left: `${point.x * 100}%` }}
      />
      <div
        className={`absolute inset-x-0 h-px ${colour} shadow-[0_0_0_1px_rgba(0,0,0,0.35)]`}
        style={{ top: `${point.y * 100}%` }}
      />
      <div
        className={`absolute h-5 w-5 -translate-x-1/2 -translate-y-1/2 rounded-full border-2 ${automatic ? "border-dashed border-white" : "border-kiln-500"} shadow-[0_0_0_1px_rgba(0,0,0,0.4)]`}
        style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }}
      />
    </div>
  );
}

/** Tiles fit in this box (CSS pixels), keeping the placement's shape. */
const TILE: Size = { width: 148, height: 112 };

/**
 * One placement's crop: the preview as a CSS background scaled so the crop box fills the tile and
 * positioned at the box's offset (percentages, so the tile's own size does not matter).
 */
function CropTile({
  image,
  placement,
  focal,
  showSafe,
}: {
  image: Props["image"];
  placement: PanelPlacement;
  focal: FocalPoint;
  showSafe: boolean;
}) {
  const box = cropBox(image, placement, focal);
  const scale = Math.min(TILE.width / placement.width, TILE.height / placement.height);
  const w = Math.max(8, Math.round(placement.width * scale));
  const h = Math.max(8, Math.round(placement.height * scale));
  const posX = image.width > box.width ? (box.left / (image.width - box.width)) * 100 : 0;
  const posY = image.height > box.height ? (box.top / (image.height - box.height)) * 100 : 0;
  return (
    <figure className="space-y-1" data-testid={`crop-${placement.slug}`}>
      <div className="flex items-center justify-center" style={{ height: TILE.height }}>
        <div
          className="relative overflow-hidden rounded-sm border border-stone-300 bg-stone-100 bg-no-repeat"
          data-testid={`crop-image-${placement.slug}`}
          data-crop={`${box.left},${box.top},${box.width},${box.height}`}
          style={{
            width: w,
            height: h,
            backgroundImage: `url("${image.url}")`,
            backgroundSize: `${(image.width / box.width) * 100}% ${(image.height / box.height) * 100}%`,
            backgroundPosition: `${round2(posX)}% ${round2(posY)}%`,
          }}
        >
          {showSafe && <SafeZoneOverlay safeZone={placement.safeZone} testId={`safe-zone-${placement.slug}`} />}
        </div>
      </div>
      <figcaption className="text-xs">
        <span className="block truncate font-medium text-stone-800" title={placement.name}>
          {placement.name}
        </span>
        <span className="tabular-nums text-stone-500">
          {placement.width}×{placement.height} · {aspectLabel(placement.width, placement.height)}
        </span>
      </figcaption>
    </figure>
  );
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
