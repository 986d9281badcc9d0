"use client";

import { useState } from "react";
import { checkerFor } from "./canvas-stage";
import { EDIT_OPERATION_LABEL } from "@/lib/labels";

type V = {
  number: number;
  operation: string;
  url: string;
  previewUrl: string | null;
  width: number;
  height: number;
  hasAlpha: boolean | null;
};

/**
 * Before/after: the "after" version drawn over the "before" one, cut at the slider. Both are shown
 * at the same displayed size, so an upscale compares detail rather than pixel counts.
 */
export function CompareSlider({
  versions,
  before,
  after,
  onPick,
}: {
  versions: V[];
  before: number;
  after: number;
  onPick(which: "before" | "after", n: number): void;
}) {
  const [pos, setPos] = useState(50);
  const a = versions.find((v) => v.number === before) ?? versions[versions.length - 1]!;
  const b = versions.find((v) => v.number === after) ?? versions[0]!;
  const src = (v: V) => v.previewUrl ?? v.url;
  return (
    <div className="space-y-3" data-testid="compare">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label className="flex items-center gap-2">
          Before
          <select
            aria-label="Before version"
            className="rounded-md border border-stone-300 px-2 py-1"
            value={a.number}
            onChange={(e) => onPick("before", Number(e.target.value))}
          >
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number} · {EDIT_OPERATION_LABEL[v.operation] ?? v.operation}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          After
          <select
            aria-label="After version"
            className="rounded-md border border-stone-300 px-2 py-1"
            value={b.number}
            onChange={(e) => onPick("after", Number(e.target.value))}
          >
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number} · {EDIT_OPERATION_LABEL[v.operation] ?? v.operation}
              </option>
            ))}
          </select>
        </label>
        <label className="flex min-w-32 flex-1 items-center gap-2">
          <span className="sr-only">Before/after position</span>
          <input
            type="range"
            min={0}
            max={100}
            value={pos}
            onChange={(e) => setPos(Number(e.target.value))}
            aria-label="Before/after position"
            className="w-full accent-kiln-600"
          />
        </label>
      </div>
      <div
        data-testid="compare-box"
        className="relative mx-auto w-full overflow-hidden rounded-lg border border-stone-200 bg-stone-100"
        // As large as fits beside the versions without scrolling (components/editor/editor.tsx), keeping the ratio.
        style={{
          ...checkerFor(a.hasAlpha === false && b.hasAlpha === false ? false : null),
          aspectRatio: `${a.width} / ${a.height}`,
          maxWidth: `min(48rem, calc((100vh - 19rem) * ${a.width / a.height}))`,
        }}
      >
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={src(a)}
          alt={`Version ${a.number} (before)`}
          data-testid="compare-before"
          className="absolute inset-0 h-full w-full object-contain"
          // Cut too, so a cut-out's transparent areas show the checkerboard rather than the other version.
          style={{ clipPath: `inset(0 ${100 - pos}% 0 0)` }}
        />
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={src(b)}
          alt={`Version ${b.number} (after)`}
          data-testid="compare-after"
          className="absolute inset-0 h-full w-full object-contain"
          style={{ clipPath: `inset(0 0 0 ${pos}%)` }}
        />
        <div
          className="pointer-events-none absolute inset-y-0 w-0.5 bg-white shadow-[0_0_0_1px_rgba(0,0,0,0.4)]"
          style={{ left: `${pos}%` }}
          data-testid="compare-divider"
        />
        <span className="absolute left-2 top-2 rounded bg-neutral-900/70 px-1.5 py-0.5 text-xs text-neutral-50">
          v{a.number}
        </span>
        <span className="absolute right-2 top-2 rounded bg-neutral-900/70 px-1.5 py-0.5 text-xs text-neutral-50">
          v{b.number}
        </span>
      </div>
    </div>
  );
}
