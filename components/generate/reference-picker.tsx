"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { api } from "@/components/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import type { ReferenceCandidate } from "@/lib/assets/reference-candidates";

export type ChosenReference = Pick<ReferenceCandidate, "versionId" | "title" | "thumbUrl" | "assetId">;

/**
 * Optional reference image for a generation (img2img): a thumbnail picker over the user's uploads
 * and other visible assets, and the strength. Enabled only for presets whose endpoint supports it;
 * a reference chosen before switching to one that does not stays visible, and the estimate says why
 * it cannot be queued, instead of it being dropped silently.
 */
export function ReferencePicker({
  supported,
  providerName,
  value,
  strength,
  onChange,
  onStrength,
}: {
  supported: boolean;
  providerName: string;
  value: ChosenReference | null;
  strength: number;
  onChange: (r: ChosenReference | null) => void;
  onStrength: (s: number) => void;
}) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q);
  const candidates = useQuery({
    queryKey: ["reference-images", deferred],
    queryFn: () =>
      api<{ candidates: ReferenceCandidate[] }>(`/api/reference-images?q=${encodeURIComponent(deferred)}`).then(
        (r) => r.candidates,
      ),
    enabled: open,
    placeholderData: (prev) => prev,
  });
  return (
    <div className="space-y-3 sm:col-span-2" data-testid="reference-picker">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium text-stone-700">Reference image (optional)</span>
        {!supported && <Badge tone="neutral">not supported by this endpoint</Badge>}
      </div>
      {!supported && (
        <p className="text-xs text-stone-500">
          {providerName} cannot start from an image. Reference images work on AUTOMATIC1111 (img2img) and ComfyUI
          endpoints.
        </p>
      )}
      {value ? (
        <div className="flex items-center gap-3 rounded-md border border-stone-200 p-2">
          {value.thumbUrl ? (
            // eslint-disable-next-line @next/next/no-img-element -- a guarded /api/blobs thumbnail, already sized; next/image's optimiser would fetch it without the session
            <img src={value.thumbUrl} alt="" className="h-14 w-14 rounded object-cover" />
          ) : (
            <div className="h-14 w-14 rounded bg-stone-100" />
          )}
          <div className="min-w-0 flex-1">
            <div className="truncate text-sm font-medium" data-testid="reference-chosen">
              {value.title}
            </div>
            <label className="mt-1 flex items-center gap-2 text-xs text-stone-600">
              Strength {strength.toFixed(2)}
              <input
                type="range"
                min={0.05}
                max={1}
                step={0.05}
                value={strength}
                disabled={!supported}
                onChange={(e) => onStrength(Number(e.target.value))}
                aria-label="Reference strength"
                className="flex-1"
              />
            </label>
            <p className="text-xs text-stone-500">
              Low keeps the reference’s composition and colours; 1 uses it only as a starting point.
            </p>
          </div>
          <Button variant="secondary" type="button" onClick={() => onChange(null)}>
            Remove
          </Button>
        </div>
      ) : (
        <Button
          variant="secondary"
          type="button"
          disabled={!supported}
          onClick={() => setOpen((o) => !o)}
          data-testid="reference-open"
        >
          {open ? "Close" : "Choose a reference image"}
        </Button>
      )}
      {open && !value && supported && (
        <div className="space-y-2 rounded-md border border-stone-200 p-3">
          <Input
            placeholder="Search by title or file name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label="Search reference images"
          />
          {candidates.data?.length === 0 && (
            <p className="text-sm text-stone-500">
              Nothing matches. Upload an image on the Uploads page to use it here.
            </p>
          )}
          <div className="grid max-h-64 grid-cols-4 gap-2 overflow-y-auto sm:grid-cols-6">
            {candidates.data?.map((c) => (
              <button
                key={c.versionId}
                type="button"
                title={c.title}
                onClick={() => {
                  onChange({ versionId: c.versionId, title: c.title, thumbUrl: c.thumbUrl, assetId: c.assetId });
                  setOpen(false);
                }}
                className="group relative aspect-square overflow-hidden rounded border border-stone-200 bg-stone-100 hover:border-kiln-500"
                data-testid="reference-candidate"
              >
                {/* eslint-disable-next-line @next/next/no-img-element */}
                {c.thumbUrl && <img src={c.thumbUrl} alt={c.title} className="h-full w-full object-cover" />}
                <span className="absolute inset-x-0 bottom-0 truncate bg-white/80 px-1 text-[10px] text-stone-700">
                  {c.source === "uploaded" ? "⬆ " : ""}
                  {c.title}
                </span>
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
