"use client";

import { useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, RequestError } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import type { CommentView } from "@/lib/review/comments";

type Pin = { x: number; y: number; w?: number; h?: number };

/** The asset's comments (all versions), from GET /api/assets/:id/comments. */
export function useComments(assetId: string) {
  return useQuery({
    queryKey: ["asset-comments", assetId],
    queryFn: () => api<{ comments: CommentView[] }>(`/api/assets/${assetId}/comments`).then((r) => r.comments),
  });
}

const clamp = (n: number) => Math.min(1, Math.max(0, n));
/** A drag shorter than this (fraction of the image) is a click: a point, not a region. */
const CLICK = 0.01;

/**
 * The image with its comments pinned on it: a click pins a point, a drag pins a region (stored as
 * fractions 0..1 of the image); numbered markers show the version's pins, and the list under the
 * image links to them (hovering or clicking either highlights both).
 */
export function PinnedImage({
  assetId,
  versionNumber,
  src,
  alt,
  className,
  comments,
  active,
  onActive,
  onPin,
}: {
  assetId: string;
  versionNumber: number;
  src: string;
  alt: string;
  className: string;
  comments: CommentView[];
  active: string | null;
  onActive: (id: string | null) => void;
  onPin: (pin: Pin) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const at = (e: ReactPointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
  };
  const pins = comments.filter((c) => c.versionNumber === versionNumber && c.pin);
  const rect = drag && {
    x: Math.min(drag.x0, drag.x1),
    y: Math.min(drag.y0, drag.y1),
    w: Math.abs(drag.x1 - drag.x0),
    h: Math.abs(drag.y1 - drag.y0),
  };
  return (
    <div
      ref={box}
      className={`relative inline-block cursor-crosshair touch-none align-top select-none ${className.includes("max-w-none") ? "" : "max-w-full"}`}
      data-testid="pin-surface"
      data-asset-id={assetId}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        const p = at(e);
        (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
        setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
      }}
      onPointerMove={(e) => drag && setDrag({ ...drag, ...{ x1: at(e).x, y1: at(e).y } })}
      onPointerUp={(e) => {
        if (!drag) return;
        const p = at(e);
        const r = {
          x: Math.min(drag.x0, p.x),
          y: Math.min(drag.y0, p.y),
          w: Math.abs(p.x - drag.x0),
          h: Math.abs(p.y - drag.y0),
        };
        setDrag(null);
        onPin(r.w < CLICK && r.h < CLICK ? { x: drag.x0, y: drag.y0 } : r);
      }}
    >
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={src} alt={alt} draggable={false} className={`block ${className}`} />
      {rect && rect.w + rect.h > 0 && (
        <span
          className="pointer-events-none absolute border-2 border-dashed border-kiln-500 bg-kiln-500/10"
          style={{
            left: `${rect.x * 100}%`,
            top: `${rect.y * 100}%`,
            width: `${rect.w * 100}%`,
            height: `${rect.h * 100}%`,
          }}
        />
      )}
      {pins.map((c) => (
        <PinMarker key={c.id} comment={c} active={active === c.id} onActive={onActive} />
      ))}
    </div>
  );
}

function PinMarker({
  comment,
  active,
  onActive,
}: {
  comment: CommentView;
  active: boolean;
  onActive: (id: string | null) => void;
}) {
  const pin = comment.pin!;
  const ring = active ? "ring-4 ring-amber-300" : "";
  return (
    <>
      {pin.w !== null && pin.h !== null && (
        <span
          className={`pointer-events-none absolute border-2 ${active ? "border-amber-400" : "border-kiln-500"} bg-kiln-500/10`}
          style={{
            left: `${pin.x * 100}%`,
            top: `${pin.y * 100}%`,
            width: `${pin.w * 100}%`,
            height: `${pin.h * 100}%`,
          }}
        />
      )}
      <a
        href={`#comment-${comment.id}`}
        id={`pin-${comment.id}`}
        data-testid="pin-marker"
        title={`${comment.author}: ${comment.body}`}
        aria-label={`Comment ${comment.marker}: ${comment.body}`}
        onPointerDown={(e) => e.stopPropagation()}
        onPointerUp={(e) => e.stopPropagation()}
        onMouseEnter={() => onActive(comment.id)}
        onMouseLeave={() => onActive(null)}
        onClick={() => onActive(comment.id)}
        className={`absolute flex h-6 w-6 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full border-2 border-white bg-kiln-600 text-xs font-bold text-white shadow ${ring}`}
        style={{ left: `${pin.x * 100}%`, top: `${pin.y * 100}%` }}
      >
        {comment.marker}
      </a>
    </>
  );
}

/** The form for a new comment (pinned when a pin is pending) and the version's comments, each linked to its marker. */
export function CommentPanel({
  assetId,
  versionNumber,
  comments,
  pending,
  onCancelPin,
  active,
  onActive,
}: {
  assetId: string;
  versionNumber: number;
  comments: CommentView[];
  pending: Pin | null;
  onCancelPin: () => void;
  active: string | null;
  onActive: (id: string | null) => void;
}) {
  const client = useQueryClient();
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api(`/api/assets/${assetId}/comments`, { json: { versionNumber, body, pin: pending } }),
    onSuccess: () => {
      setBody("");
      setError(null);
      onCancelPin();
      void client.invalidateQueries({ queryKey: ["asset-comments", assetId] });
    },
    onError: (e) => setError(e instanceof RequestError ? e.message : "Could not save the comment; try again."),
  });
  const mine = comments.filter((c) => c.versionNumber === versionNumber);
  const older = comments.length - mine.length;
  return (
    <div className="space-y-2" data-testid="comment-panel">
      <form
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label className="block text-xs text-stone-600" htmlFor={`comment-${assetId}`}>
          {pending
            ? `Comment pinned to ${pending.w ? "the region" : "the point"} you marked on v${versionNumber}`
            : `Comment on v${versionNumber} — click a point or drag a region on the image to pin it`}
        </label>
        <textarea
          id={`comment-${assetId}`}
          data-testid="comment-body"
          rows={2}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          className="w-full rounded-md border border-stone-300 px-2 py-1 text-sm"
          placeholder="What should change here?"
        />
        <div className="flex gap-2">
          <Button type="submit" className="px-2 py-1 text-xs" disabled={add.isPending || !body.trim()}>
            {pending ? "Pin comment" : "Add comment"}
          </Button>
          {pending && (
            <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={onCancelPin}>
              Remove pin
            </Button>
          )}
        </div>
        {error && <p className="text-xs text-red-700">{error}</p>}
      </form>
      {mine.length > 0 && (
        <ol className="space-y-1 text-sm" data-testid="comment-list">
          {mine.map((c) => (
            <li
              key={c.id}
              id={`comment-${c.id}`}
              data-testid="comment-item"
              onMouseEnter={() => onActive(c.id)}
              onMouseLeave={() => onActive(null)}
              className={`flex gap-2 rounded px-1 py-0.5 ${active === c.id ? "bg-amber-50" : ""}`}
            >
              {c.marker ? (
                <a
                  href={`#pin-${c.id}`}
                  onClick={() => onActive(c.id)}
                  className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-kiln-600 text-xs font-bold text-white"
                  title="Show the pin on the image"
                >
                  {c.marker}
                </a>
              ) : (
                <span className="h-5 w-5 shrink-0 text-center text-stone-400">·</span>
              )}
              <span>
                <strong className="font-medium">{c.author}</strong>: {c.body}
              </span>
            </li>
          ))}
        </ol>
      )}
      {older > 0 && (
        <p className="text-xs text-stone-500">
          {older} comment{older === 1 ? "" : "s"} on other versions.
        </p>
      )}
    </div>
  );
}
