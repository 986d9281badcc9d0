"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { PlacementOption } from "@/lib/exports/options";
import type { ExportPreview } from "@/lib/exports/request";

export type ExportSelection =
  { assetIds: string[] } | { query: string } | { collectionId: string } | { batchId: string };

const FORMATS = [
  { id: "webp", label: "WebP", lossy: true },
  { id: "avif", label: "AVIF", lossy: true },
  { id: "jpeg", label: "JPEG", lossy: true },
  { id: "png", label: "PNG", lossy: false },
] as const;
type FormatId = (typeof FORMATS)[number]["id"];

const CHANNELS: { id: string; label: string }[] = [
  { id: "meta", label: "Meta" },
  { id: "google", label: "Google" },
  { id: "tiktok", label: "TikTok" },
  { id: "custom", label: "Custom" },
];

/**
 * "Export": placements (grouped by channel, with sizes) × formats (quality per lossy format), plus
 * the approved original if wanted. Before submitting it shows the number of files and the assets
 * that will be held back and why (the server's dry run of the same request); submitting queues the
 * background job and opens its progress page.
 */
export function ExportDialog({
  selection,
  label,
  buttonText = "Export",
  disabled,
}: {
  selection: ExportSelection | null;
  label: string;
  buttonText?: string;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => setOpen(true)}
        disabled={disabled || !selection}
        data-testid="export-open"
      >
        {buttonText}
      </Button>
      {open && selection && <ExportPanel selection={selection} label={label} onClose={() => setOpen(false)} />}
    </>
  );
}

function ExportPanel({
  selection,
  label,
  onClose,
}: {
  selection: ExportSelection;
  label: string;
  onClose: () => void;
}) {
  const router = useRouter();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [formats, setFormats] = useState<ReadonlySet<FormatId>>(new Set(["webp"]));
  const [quality, setQuality] = useState<Record<FormatId, number>>({ webp: 82, avif: 60, jpeg: 85, png: 100 });
  const [includeOriginal, setIncludeOriginal] = useState(false);
  const options = useQuery({
    queryKey: ["export-placements"],
    queryFn: () => api<{ placements: PlacementOption[] }>("/api/exports/placements").then((r) => r.placements),
  });

  const body = useMemo(
    () => ({
      selection,
      placementIds: [...chosen],
      formats: FORMATS.filter((f) => formats.has(f.id)).map((f) => f.id),
      quality: Object.fromEntries(
        FORMATS.filter((f) => f.lossy && formats.has(f.id)).map((f) => [f.id, quality[f.id]]),
      ),
      includeOriginal,
    }),
    [selection, chosen, formats, quality, includeOriginal],
  );
  const ready = body.formats.length > 0 && (body.placementIds.length > 0 || includeOriginal);
  // The dry run follows the choices a moment after they settle.
  const [debounced, setDebounced] = useState(body);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(body), 250);
    return () => clearTimeout(t);
  }, [body]);
  const preview = useQuery({
    queryKey: ["export-preview", debounced],
    queryFn: () => api<ExportPreview>("/api/exports/preview", { json: debounced }),
    enabled: debounced.formats.length > 0 && (debounced.placementIds.length > 0 || debounced.includeOriginal),
    retry: false,
  });
  const create = useMutation({
    mutationFn: () => api<{ export: { id: string } }>("/api/exports", { json: body }),
    onSuccess: (r) => router.push(`/exports/${r.export.id}`),
  });

  const groups = CHANNELS.map((c) => ({
    ...c,
    items: (options.data ?? []).filter(
      (p) => (CHANNELS.some((k) => k.id === p.channel) ? p.channel : "custom") === c.id,
    ),
  })).filter((g) => g.items.length);
  const toggle = (id: string) =>
    setChosen((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const toggleGroup = (ids: string[], on: boolean) =>
    setChosen((s) => (on ? new Set([...s, ...ids]) : new Set([...s].filter((x) => !ids.includes(x)))));
  const p = preview.data;
  const previewError =
    preview.error instanceof RequestError
      ? preview.error.message
      : preview.error
        ? "Could not count the files; try again."
        : null;

  return (
    <div
      className="fixed inset-0 z-40 flex items-center justify-center bg-black/50 p-4"
      role="presentation"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-title"
        className="flex max-h-[90vh] w-full max-w-2xl flex-col rounded-lg bg-white shadow-xl"
        onClick={(ev) => ev.stopPropagation()}
        onKeyDown={(ev) => ev.key === "Escape" && onClose()}
        data-testid="export-dialog"
      >
        <div className="border-b border-stone-200 px-5 py-4">
          <h2 id="export-title" className="text-lg font-semibold text-stone-900">
            Export
          </h2>
          <p className="text-sm text-stone-600">
            {label}: a ZIP of ready-to-publish files with a manifest (CSV and JSON).
          </p>
        </div>
        <div className="flex-1 space-y-5 overflow-y-auto px-5 py-4">
          <fieldset>
            <legend className="text-sm font-semibold text-stone-900">Placements</legend>
            {options.isLoading && <p className="mt-2 text-sm text-stone-500">Loading placements…</p>}
            {options.isError && <p className="mt-2 text-sm text-red-700">Could not load the placements.</p>}
            <div className="mt-2 grid gap-4 sm:grid-cols-2">
              {groups.map((g) => {
                const ids = g.items.map((i) => i.id);
                const all = ids.every((id) => chosen.has(id));
                return (
                  <div key={g.id} className="rounded-md border border-stone-200 p-3">
                    <label className="flex items-center gap-2 text-sm font-medium text-stone-900">
                      <input
                        type="checkbox"
                        checked={all}
                        onChange={(e) => toggleGroup(ids, e.target.checked)}
                        aria-label={`All ${g.label} placements`}
                      />
                      {g.label}
                    </label>
                    <ul className="mt-2 space-y-1">
                      {g.items.map((pl) => (
                        <li key={pl.id}>
                          <label className="flex items-center gap-2 text-sm text-stone-700">
                            <input type="checkbox" checked={chosen.has(pl.id)} onChange={() => toggle(pl.id)} />
                            <span>{pl.name}</span>
                            <span className="ml-auto font-mono text-xs text-stone-500">
                              {pl.width}×{pl.height}
                            </span>
                          </label>
                        </li>
                      ))}
                    </ul>
                  </div>
                );
              })}
            </div>
            <label className="mt-3 flex items-center gap-2 text-sm text-stone-700">
              <input type="checkbox" checked={includeOriginal} onChange={(e) => setIncludeOriginal(e.target.checked)} />
              Include the approved original (full size, its own format)
            </label>
          </fieldset>
          <fieldset>
            <legend className="text-sm font-semibold text-stone-900">Formats</legend>
            <div className="mt-2 space-y-2">
              {FORMATS.map((f) => (
                <div key={f.id} className="flex flex-wrap items-center gap-3">
                  <label className="flex w-24 items-center gap-2 text-sm text-stone-700">
                    <input
                      type="checkbox"
                      checked={formats.has(f.id)}
                      onChange={() =>
                        setFormats((s) =>
                          s.has(f.id) ? new Set([...s].filter((x) => x !== f.id)) : new Set([...s, f.id]),
                        )
                      }
                    />
                    {f.label}
                  </label>
                  {f.lossy && formats.has(f.id) && (
                    <label className="flex flex-1 items-center gap-2 text-xs text-stone-600">
                      Quality
                      <input
                        type="range"
                        min={1}
                        max={100}
                        value={quality[f.id]}
                        onChange={(e) => setQuality((q) => ({ ...q, [f.id]: Number(e.target.value) }))}
                        aria-label={`${f.label} quality`}
                        className="flex-1"
                      />
                      <span className="w-8 text-right font-mono">{quality[f.id]}</span>
                    </label>
                  )}
                  {!f.lossy && formats.has(f.id) && <span className="text-xs text-stone-500">lossless</span>}
                </div>
              ))}
            </div>
          </fieldset>
          <section aria-live="polite" data-testid="export-preview" className="rounded-md bg-stone-50 p-3 text-sm">
            {!ready && <p className="text-stone-600">Choose at least one format, and a placement or the original.</p>}
            {ready && preview.isFetching && !p && <p className="text-stone-500">Counting…</p>}
            {ready && previewError && <p className="text-red-700">{previewError}</p>}
            {ready && p && !previewError && (
              <>
                <p className="font-medium text-stone-900" data-testid="export-count">
                  {p.filesTotal.toLocaleString("en-US")} file{p.filesTotal === 1 ? "" : "s"} from{" "}
                  {p.assetsIncluded.toLocaleString("en-US")} asset{p.assetsIncluded === 1 ? "" : "s"}
                </p>
                {p.heldBack.length > 0 ? (
                  <div className="mt-2">
                    <p className="text-amber-800" data-testid="export-held-back">
                      {p.heldBack.length} asset{p.heldBack.length === 1 ? "" : "s"} will be held back (listed in
                      held-back.csv):
                    </p>
                    <ul className="mt-1 max-h-32 list-disc space-y-0.5 overflow-y-auto pl-5 text-xs text-stone-700">
                      {p.heldBack.slice(0, 50).map((h) => (
                        <li key={h.assetId}>
                          <span className="font-medium">{h.title}</span>: {h.reasons.join("; ")}
                        </li>
                      ))}
                      {p.heldBack.length > 50 && <li>and {p.heldBack.length - 50} more</li>}
                    </ul>
                  </div>
                ) : (
                  <p className="mt-1 text-stone-600">
                    Nothing held back: every asset is approved with confirmed alt text.
                  </p>
                )}
              </>
            )}
          </section>
          {create.error && (
            <Alert tone="error">
              {create.error instanceof RequestError
                ? create.error.message
                : "The export could not be started; try again."}
            </Alert>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-stone-200 px-5 py-3">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => create.mutate()}
            disabled={!ready || create.isPending || !p || p.filesTotal === 0}
            data-testid="export-submit"
          >
            {create.isPending ? "Starting…" : p ? `Export ${p.filesTotal.toLocaleString("en-US")} files` : "Export"}
          </Button>
        </div>
      </div>
    </div>
  );
}
