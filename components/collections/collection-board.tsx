"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { api, RequestError } from "@/components/api-client";
import { AssetStatusBadge } from "@/components/checks/check-badges";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import type { CollectionDetail } from "@/lib/collections";

/** A board: the owner's controls (rename, describe, share, delete) above a grid of thumbnails linking to the asset pages. */
export function CollectionBoard({ collection: c }: { collection: CollectionDetail }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Shown at once; the server's answer (router.refresh) confirms it or the error puts it back.
  const [shared, setShared] = useState(c.shared);
  useEffect(() => setShared(c.shared), [c.shared]);

  const run = (work: () => Promise<string | null>) =>
    start(async () => {
      try {
        const text = await work();
        setMessage(text ? { ok: true, text } : null);
        router.refresh();
      } catch (e) {
        setMessage({ ok: false, text: e instanceof RequestError ? e.message : "Something went wrong; try again." });
      }
    });
  const patch = (json: Record<string, unknown>, done: string) =>
    run(async () => {
      await api(`/api/collections/${c.id}`, { method: "PATCH", json });
      return done;
    });

  return (
    <div className="space-y-4">
      {c.canEdit && (
        <div
          className="flex flex-wrap items-center gap-2 rounded-lg border border-stone-200 bg-white px-4 py-3"
          data-testid="collection-controls"
        >
          {editing ? (
            <form
              className="flex flex-1 flex-wrap items-center gap-2"
              aria-label="Rename the collection"
              onSubmit={(e) => {
                e.preventDefault();
                const form = new FormData(e.currentTarget);
                setEditing(false);
                patch({ name: form.get("name"), description: form.get("description") ?? "" }, "Saved.");
              }}
            >
              <label className="sr-only" htmlFor="name">
                Name
              </label>
              <Input name="name" defaultValue={c.name} required maxLength={80} className="w-56" />
              <label className="sr-only" htmlFor="description">
                Description
              </label>
              <Input
                name="description"
                defaultValue={c.description}
                maxLength={500}
                placeholder="Description"
                className="w-72"
              />
              <Button type="submit" disabled={pending}>
                Save
              </Button>
              <Button type="button" variant="ghost" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </form>
          ) : (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Rename
            </Button>
          )}
          <label className="ml-auto flex items-center gap-2 text-sm text-stone-700">
            <input
              type="checkbox"
              checked={shared}
              disabled={pending}
              onChange={(e) => {
                const next = e.target.checked;
                setShared(next);
                run(async () => {
                  try {
                    await api(`/api/collections/${c.id}`, { method: "PATCH", json: { shared: next } });
                  } catch (error) {
                    setShared(!next);
                    throw error;
                  }
                  return next ? "Shared with your team." : "No longer shared.";
                });
              }}
              data-testid="share-toggle"
            />
            Share with my team{c.teamName ? ` (${c.teamName})` : ""}
          </label>
          {confirmDelete ? (
            <span className="flex items-center gap-2 text-sm">
              Delete “{c.name}”? The assets stay.
              <Button
                variant="danger"
                disabled={pending}
                onClick={() =>
                  start(async () => {
                    try {
                      await api(`/api/collections/${c.id}`, { method: "DELETE" });
                      router.push("/collections");
                    } catch (e) {
                      setMessage({
                        ok: false,
                        text: e instanceof RequestError ? e.message : "Something went wrong; try again.",
                      });
                    }
                  })
                }
              >
                Delete
              </Button>
              <Button variant="ghost" onClick={() => setConfirmDelete(false)}>
                Keep
              </Button>
            </span>
          ) : (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </Button>
          )}
        </div>
      )}
      {message && <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert>}
      {c.assets.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-sm text-stone-500">
          Nothing here yet. Open an asset and pick this collection in its Organise card, or select assets in the library
          and choose “Add to collection”.
        </p>
      ) : (
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] gap-3" data-testid="collection-assets">
          {c.assets.map((a) => (
            <li
              key={a.id}
              className="group relative overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm"
            >
              <Link
                href={`/assets/${a.id}`}
                className="block focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500"
                data-testid="collection-tile"
              >
                <div className="aspect-square bg-stone-100">
                  {a.thumbUrl && (
                    // eslint-disable-next-line @next/next/no-img-element
                    <img src={a.thumbUrl} alt={a.title} loading="lazy" className="h-full w-full object-cover" />
                  )}
                </div>
                <div className="space-y-1 px-2 py-1.5">
                  <p className="truncate text-xs font-medium text-stone-800">{a.title}</p>
                  <div className="flex items-center justify-between gap-1 text-xs text-stone-500">
                    <span className="truncate">{a.ownerName}</span>
                    <AssetStatusBadge status={a.status} reason={null} />
                  </div>
                </div>
              </Link>
              {c.canEdit && (
                <button
                  type="button"
                  className="absolute right-1.5 top-1.5 rounded bg-white/90 px-1.5 py-0.5 text-xs text-stone-700 opacity-0 shadow transition group-hover:opacity-100 focus:opacity-100"
                  aria-label={`Remove ${a.title} from the collection`}
                  disabled={pending}
                  onClick={() =>
                    run(async () => {
                      await api(`/api/collections/${c.id}/assets`, { method: "DELETE", json: { assetIds: [a.id] } });
                      return `Removed ${a.title}.`;
                    })
                  }
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
