"use client";

import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type PointerEvent,
  type WheelEvent,
} from "react";
import { keyBelongsToControl } from "@/components/ui/shortcut-target";
import { clearMask, maskHasPaint, paintStroke, type Point } from "./mask-canvas";

export type Tool = "brush" | "eraser" | "hand";
/** "checker" for the transparency checkerboard, "plain" for an opaque image's neutral well, else a colour. */
export type Backdrop = "checker" | "plain" | string;

export type StageHandle = {
  canvas: HTMLCanvasElement | null;
  clear(): void;
  fit(): void;
  zoomBy(factor: number): void;
};

/** The transparency checkerboard (its colours follow light and dark mode, app/globals.css). */
export const CHECKER_STYLE = {
  backgroundColor: "var(--checker-a)",
  backgroundImage:
    "linear-gradient(45deg, var(--checker-b) 25%, transparent 25%), linear-gradient(-45deg, var(--checker-b) 25%, transparent 25%), linear-gradient(45deg, transparent 75%, var(--checker-b) 75%), linear-gradient(-45deg, transparent 75%, var(--checker-b) 75%)",
  backgroundSize: "16px 16px",
  backgroundPosition: "0 0, 0 8px, 8px -8px, -8px 0",
} as const;

/** The checkerboard only behind an image with transparent pixels (or not yet known); a plain well otherwise. */
export const checkerFor = (hasAlpha: boolean | null | undefined) => (hasAlpha === false ? undefined : CHECKER_STYLE);

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 16;

/**
 * The image with the mask canvas over it, zoomed and panned with a CSS transform (the mask keeps
 * the image's natural resolution). Wheel zooms around the pointer; the hand tool, the space bar or
 * the middle button pans; brush and eraser paint the mask.
 */
export const CanvasStage = forwardRef<
  StageHandle,
  {
    imageUrl: string;
    width: number;
    height: number;
    tool: Tool;
    brushSize: number;
    backdrop: Backdrop;
    maskEnabled: boolean;
    overlayLabel?: string | null;
    onMaskChange(hasPaint: boolean): void;
    onZoomChange(zoom: number): void;
  }
>(function CanvasStage(
  { imageUrl, width, height, tool, brushSize, backdrop, maskEnabled, overlayLabel, onMaskChange, onZoomChange },
  ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState({ zoom: 1, x: 0, y: 0 });
  const [spaceDown, setSpaceDown] = useState(false);
  const drag = useRef<{
    mode: "pan" | "paint";
    last: Point;
    startX: number;
    startY: number;
    viewX: number;
    viewY: number;
  } | null>(null);
  const [cursor, setCursor] = useState<Point | null>(null);

  const fit = useCallback(() => {
    const el = box.current;
    if (!el) return;
    const zoom = Math.min(el.clientWidth / width, el.clientHeight / height, 4);
    setView({ zoom, x: (el.clientWidth - width * zoom) / 2, y: (el.clientHeight - height * zoom) / 2 });
  }, [width, height]);

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    setView((v) => {
      const el = box.current;
      const px = cx ?? (el ? el.clientWidth / 2 : 0);
      const py = cy ?? (el ? el.clientHeight / 2 : 0);
      const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, v.zoom * factor));
      const k = zoom / v.zoom;
      return { zoom, x: px - (px - v.x) * k, y: py - (py - v.y) * k };
    });
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      canvas: canvas.current,
      clear: () => (canvas.current && clearMask(canvas.current), onMaskChange(false)),
      fit,
      zoomBy: (f) => zoomAt(f),
    }),
    [fit, zoomAt, onMaskChange],
  );

  useEffect(() => fit(), [fit, imageUrl]);
  useEffect(() => onZoomChange(view.zoom), [view.zoom, onZoomChange]);
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === "Space" && !keyBelongsToControl(e.key, e.target)) {
        setSpaceDown(true);
        e.preventDefault();
      }
    };
    const up = (e: KeyboardEvent) => e.code === "Space" && setSpaceDown(false);
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  const toImage = (e: PointerEvent): Point => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * width, y: ((e.clientY - rect.top) / rect.height) * height };
  };
  const panning = tool === "hand" || spaceDown || !maskEnabled;

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    (e.target as Element).setPointerCapture?.(e.pointerId);
    if (panning || e.button === 1) {
      drag.current = {
        mode: "pan",
        last: { x: 0, y: 0 },
        startX: e.clientX,
        startY: e.clientY,
        viewX: view.x,
        viewY: view.y,
      };
      return;
    }
    const p = toImage(e);
    drag.current = { mode: "paint", last: p, startX: 0, startY: 0, viewX: 0, viewY: 0 };
    paintStroke(canvas.current!, p, p, brushSize, tool === "eraser");
  }
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    const rect = box.current!.getBoundingClientRect();
    setCursor({ x: e.clientX - rect.left, y: e.clientY - rect.top });
    const d = drag.current;
    if (!d) return;
    if (d.mode === "pan") {
      setView((v) => ({ ...v, x: d.viewX + e.clientX - d.startX, y: d.viewY + e.clientY - d.startY }));
      return;
    }
    const p = toImage(e);
    paintStroke(canvas.current!, d.last, p, brushSize, tool === "eraser");
    d.last = p;
  }
  function onPointerUp() {
    if (drag.current?.mode === "paint" && canvas.current) onMaskChange(maskHasPaint(canvas.current));
    drag.current = null;
  }
  function onWheel(e: WheelEvent<HTMLDivElement>) {
    const rect = box.current!.getBoundingClientRect();
    zoomAt(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - rect.left, e.clientY - rect.top);
  }

  const brushPx = brushSize * view.zoom;
  return (
    <div
      ref={box}
      data-testid="editor-stage"
      data-backdrop={backdrop === "checker" || backdrop === "plain" ? backdrop : "colour"}
      className={`relative h-[62vh] min-h-[360px] w-full touch-none select-none overflow-hidden rounded-lg border border-stone-200 bg-stone-100 ${panning ? "cursor-grab" : "cursor-none"}`}
      style={backdrop === "checker" ? CHECKER_STYLE : backdrop === "plain" ? undefined : { backgroundColor: backdrop }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => setCursor(null)}
      onWheel={onWheel}
    >
      <div
        className="absolute left-0 top-0 origin-top-left"
        style={{ width, height, transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})` }}
      >
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={imageUrl}
          alt="The version being edited"
          width={width}
          height={height}
          draggable={false}
          className="block h-full w-full"
          data-testid="editor-image"
        />
        <canvas
          ref={canvas}
          width={width}
          height={height}
          data-testid="mask-canvas"
          aria-label="Mask: paint over what to erase"
          className={`absolute inset-0 h-full w-full opacity-50 ${maskEnabled ? "" : "hidden"}`}
        />
      </div>
      {overlayLabel && (
        <div className="absolute left-3 top-3 rounded bg-neutral-900/75 px-2 py-1 text-xs text-neutral-50">
          {overlayLabel}
        </div>
      )}
      {cursor && !panning && (
        <div
          className="pointer-events-none absolute rounded-full border-2 border-white shadow-[0_0_0_1px_rgba(0,0,0,0.6)]"
          style={{ width: brushPx, height: brushPx, left: cursor.x - brushPx / 2, top: cursor.y - brushPx / 2 }}
        />
      )}
    </div>
  );
});
