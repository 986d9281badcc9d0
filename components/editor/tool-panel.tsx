"use client";

import { Button } from "@/components/ui/button";
import { formatUnitMicros } from "@/lib/costs/estimate";
import type { EditorView } from "@/lib/editing/editor-view";
import type { Backdrop, Tool } from "./canvas-stage";

type Engines = EditorView["engines"];

function EngineNote({ engine }: { engine: Engines[keyof Engines] }) {
  if (!engine)
    return <p className="text-xs text-red-700">No engine can do this; an admin can choose one under Editor engines.</p>;
  return (
    <p className="text-xs text-stone-500">
      {engine.label} · {engine.local ? "free (this server's CPU)" : `about ${formatUnitMicros(engine.estimateMicros)}`}
    </p>
  );
}

const TOOLS: { id: Tool; label: string; key: string }[] = [
  { id: "brush", label: "Brush", key: "B" },
  { id: "eraser", label: "Eraser", key: "E" },
  { id: "hand", label: "Hand", key: "H" },
];

/** Mask tools, the three operations with their engine and price, and how to show transparency. */
export function ToolPanel(p: {
  tool: Tool;
  setTool(t: Tool): void;
  brushSize: number;
  setBrushSize(n: number): void;
  hasMask: boolean;
  onClearMask(): void;
  engines: Engines;
  busy: boolean;
  canEdit: boolean;
  onErase(): void;
  onUpscale(scale: 2 | 4): void;
  background: string;
  setBackground(v: string): void;
  onRemoveBackground(): void;
  backdrop: Backdrop;
  setBackdrop(b: Backdrop): void;
}) {
  const disabled = p.busy || !p.canEdit;
  return (
    <div className="space-y-5 text-sm">
      <section className="space-y-2">
        <h3 className="font-semibold text-stone-800">Mask</h3>
        <div className="flex flex-wrap gap-1" role="group" aria-label="Tool">
          {TOOLS.map((t) => (
            <Button
              key={t.id}
              variant={p.tool === t.id ? "primary" : "secondary"}
              className="px-2.5 py-1.5"
              aria-pressed={p.tool === t.id}
              title={`${t.label} (${t.key})`}
              onClick={() => p.setTool(t.id)}
            >
              {t.label}
            </Button>
          ))}
        </div>
        <label className="block">
          <span className="text-xs text-stone-600">Brush size: {p.brushSize}px ([ and ])</span>
          <input
            type="range"
            min={4}
            max={400}
            value={p.brushSize}
            aria-label="Brush size"
            onChange={(e) => p.setBrushSize(Number(e.target.value))}
            className="w-full accent-kiln-600"
          />
        </label>
        <Button variant="ghost" className="px-2 py-1 text-xs" onClick={p.onClearMask} disabled={!p.hasMask}>
          Clear mask
        </Button>
      </section>

      <section className="space-y-1.5 border-t border-stone-100 pt-4">
        <h3 className="font-semibold text-stone-800">Erase</h3>
        <p className="text-xs text-stone-500">
          Paint over the object, then erase it: the area is filled from its surroundings.
        </p>
        <Button
          onClick={p.onErase}
          disabled={disabled || !p.engines.erase || !p.hasMask}
          title={p.hasMask ? undefined : "Paint over the object first"}
        >
          Erase painted area
        </Button>
        {!p.hasMask && <p className="text-xs text-stone-500">Paint a mask to enable erase.</p>}
        <EngineNote engine={p.engines.erase} />
      </section>

      <section className="space-y-1.5 border-t border-stone-100 pt-4">
        <h3 className="font-semibold text-stone-800">Upscale</h3>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => p.onUpscale(2)} disabled={disabled || !p.engines.upscale}>
            Upscale 2×
          </Button>
          <Button variant="secondary" onClick={() => p.onUpscale(4)} disabled={disabled || !p.engines.upscale}>
            Upscale 4×
          </Button>
        </div>
        <EngineNote engine={p.engines.upscale} />
      </section>

      <section className="space-y-1.5 border-t border-stone-100 pt-4">
        <h3 className="font-semibold text-stone-800">Remove background</h3>
        <div className="flex items-center gap-3 text-xs">
          <label className="flex items-center gap-1">
            <input
              type="radio"
              name="bg"
              checked={p.background === "transparent"}
              onChange={() => p.setBackground("transparent")}
            />{" "}
            Transparent
          </label>
          <label className="flex items-center gap-1">
            <input
              type="radio"
              name="bg"
              checked={p.background !== "transparent"}
              onChange={() => p.setBackground("#ffffff")}
            />{" "}
            Colour
          </label>
          {p.background !== "transparent" && (
            <input
              type="color"
              aria-label="Background colour"
              value={p.background}
              onChange={(e) => p.setBackground(e.target.value)}
            />
          )}
        </div>
        <Button variant="secondary" onClick={p.onRemoveBackground} disabled={disabled || !p.engines.remove_background}>
          Remove background
        </Button>
        <EngineNote engine={p.engines.remove_background} />
      </section>

      <section className="space-y-1.5 border-t border-stone-100 pt-4">
        <h3 className="font-semibold text-stone-800">Show transparency on</h3>
        <div className="flex items-center gap-3 text-xs">
          <label className="flex items-center gap-1">
            <input
              type="radio"
              name="backdrop"
              checked={p.backdrop === "checker"}
              onChange={() => p.setBackdrop("checker")}
            />{" "}
            Checkerboard
          </label>
          <label className="flex items-center gap-1">
            <input
              type="radio"
              name="backdrop"
              checked={p.backdrop !== "checker"}
              onChange={() => p.setBackdrop("#1c1917")}
            />{" "}
            Colour
          </label>
          {p.backdrop !== "checker" && (
            <input
              type="color"
              aria-label="Preview colour"
              value={p.backdrop}
              onChange={(e) => p.setBackdrop(e.target.value)}
            />
          )}
        </div>
      </section>
    </div>
  );
}
