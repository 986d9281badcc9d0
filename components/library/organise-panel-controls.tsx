"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { OrganisePanelData } from "@/lib/library/organise-panel";

type Tag = { name: string; curated: boolean };
type Suggestion = Tag & { uses: number };

const chip = "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium";

/** Star, tags and collections of one asset; every change goes through the organise API routes. */
export function OrganisePanelControls({ initial }: { initial: OrganisePanelData }) {
  const router = useRouter();
  const { assetId } = initial;
  const [starred, setStarred] = useState(initial.starred);
  const [tags, setTags] = useState<Tag[]>(initial.tags);
  const [draft, setDraft] = useState("");
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [collectionId, setCollectionId] = useState("");
  const [newBoard, setNewBoard] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const listId = useId();

  // Suggestions as the user types (curated first, then the most used); one request per pause in typing.
  useEffect(() => {
    if (!initial.canTag) return;
    const timer = setTimeout(() => {
      api<{ tags: Suggestion[] }>(`/api/tags?prefix=${encodeURIComponent(draft)}&limit=12`)
        .then((r) => setSuggestions(r.tags))
        .catch(() => setSuggestions([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [draft, initial.canTag]);

  const run = (work: () => Promise<string | null>) =>
    start(async () => {
      try {
        const text = await work();
        setMessage(text ? { ok: true, text } : null);
      } catch (e) {
        setMessage({ ok: false, text: e instanceof RequestError ? e.message : "Something went wrong; try again." });
      }
    });

  const addTags = (names: string[]) =>
    run(async () => {
      const r = await api<{ tags: Tag[] }>(`/api/assets/${assetId}/tags`, { json: { tags: names } });
      setTags(r.tags);
      setDraft("");
      return null;
    });
  const removeTag = (name: string) =>
    run(async () => {
      const r = await api<{ tags: Tag[] }>(`/api/assets/${assetId}/tags`, { method: "DELETE", json: { tags: [name] } });
      setTags(r.tags);
      return null;
    });
  const toggleStar = () =>
    run(async () => {
      await api(`/api/assets/${assetId}/star`, { method: starred ? "DELETE" : "POST" });
      setStarred(!starred);
      return null;
    });
  const addToBoard = (id: string, name: string) =>
    run(async () => {
      await api(`/api/collections/${id}/assets`, { json: { assetIds: [assetId] } });
      setCollectionId("");
      router.refresh();
      return `Added to “${name}”.`;
    });
  const createBoard = () =>
    run(async () => {
      const r = await api<{ collection: { id: string; name: string } }>("/api/collections", {
        json: { name: newBoard },
      });
      await api(`/api/collections/${r.collection.id}/assets`, { json: { assetIds: [assetId] } });
      setNewBoard("");
      router.refresh();
      return `Created “${r.collection.name}” with this asset.`;
    });
  const removeFromBoard = (id: string, name: string) =>
    run(async () => {
      await api(`/api/collections/${id}/assets`, { method: "DELETE", json: { assetIds: [assetId] } });
      router.refresh();
      return `Removed from “${name}”.`;
    });

  const on = initial.collections.filter((c) => c.contains);
  const off = initial.collections.filter((c) => !c.contains);
  const offered = suggestions.filter((s) => !tags.some((t) => t.name === s.name));
  const curatedOffered = initial.curated.filter((n) => !tags.some((t) => t.name === n)).slice(0, 8);

  return (
    <div className="space-y-4 text-sm" data-testid="organise-panel">
      <div className="flex items-center justify-between">
        <span className="text-stone-600">
          {starred ? "In your starred assets." : "Star it to find it again with is:starred."}
        </span>
        <Button
          variant="secondary"
          onClick={toggleStar}
          disabled={pending}
          aria-pressed={starred}
          data-testid="star-toggle"
        >
          <span aria-hidden className={starred ? "text-amber-500" : "text-stone-500"}>
            {starred ? "★" : "☆"}
          </span>
          {starred ? "Starred" : "Star"}
        </Button>
      </div>

      <div className="space-y-2 border-t border-stone-100 pt-3">
        <h3 className="font-medium text-stone-700">Tags</h3>
        <ul className="flex flex-wrap gap-1.5" data-testid="asset-tags">
          {tags.length === 0 && <li className="text-stone-500">No tags yet.</li>}
          {tags.map((t) => (
            <li
              key={t.name}
              className={`${chip} ${t.curated ? "bg-kiln-100 text-kiln-700" : "bg-stone-100 text-stone-700"}`}
              title={t.curated ? "Curated tag" : "Free tag"}
            >
              {t.name}
              {initial.canTag && (
                <button
                  type="button"
                  className="text-stone-500 hover:text-red-700"
                  aria-label={`Remove tag ${t.name}`}
                  onClick={() => removeTag(t.name)}
                  disabled={pending}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        {initial.canTag ? (
          <>
            <form
              className="flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                const names = draft
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean);
                if (names.length) addTags(names);
              }}
            >
              <label htmlFor={`${listId}-tag`} className="sr-only">
                Add a tag
              </label>
              <input
                id={`${listId}-tag`}
                list={`${listId}-suggestions`}
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                maxLength={200}
                placeholder="Add tags, comma-separated"
                className="block w-full rounded-md border border-stone-300 px-2 py-1.5 text-sm"
                data-testid="tag-input"
              />
              <datalist id={`${listId}-suggestions`}>
                {offered.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.curated ? "curated" : `${s.uses} uses`}
                  </option>
                ))}
              </datalist>
              <Button type="submit" variant="secondary" disabled={pending || !draft.trim()}>
                Add
              </Button>
            </form>
            {curatedOffered.length > 0 && (
              <p className="flex flex-wrap items-center gap-1.5 text-xs text-stone-500">
                Suggested:
                {curatedOffered.map((n) => (
                  <button
                    key={n}
                    type="button"
                    className={`${chip} bg-kiln-50 text-kiln-700 ring-1 ring-kiln-100 hover:bg-kiln-100`}
                    onClick={() => addTags([n])}
                    disabled={pending}
                  >
                    + {n}
                  </button>
                ))}
              </p>
            )}
          </>
        ) : (
          <p className="text-xs text-stone-500">Shared with you read-only: its designer tags it.</p>
        )}
      </div>

      {initial.canCollect && (
        <div className="space-y-2 border-t border-stone-100 pt-3">
          <h3 className="font-medium text-stone-700">Collections</h3>
          {on.length > 0 && (
            <ul className="space-y-1" data-testid="asset-collections">
              {on.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-2">
                  <Link href={`/collections/${c.id}`} className="text-kiln-700 hover:underline">
                    {c.name}
                  </Link>
                  <span className="flex items-center gap-2">
                    {c.shared && <span className="text-xs text-stone-500">shared</span>}
                    <button
                      type="button"
                      className="text-xs text-stone-500 hover:text-red-700"
                      onClick={() => removeFromBoard(c.id, c.name)}
                      disabled={pending}
                    >
                      Remove
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
          {off.length > 0 && (
            <div className="flex gap-2">
              <label htmlFor={`${listId}-board`} className="sr-only">
                Add to a collection
              </label>
              <select
                id={`${listId}-board`}
                value={collectionId}
                onChange={(e) => setCollectionId(e.target.value)}
                className="block w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm"
                data-testid="collection-picker"
              >
                <option value="">Add to a collection…</option>
                {off.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                    {c.shared ? " (shared)" : ""}
                  </option>
                ))}
              </select>
              <Button
                variant="secondary"
                disabled={pending || !collectionId}
                onClick={() => addToBoard(collectionId, off.find((c) => c.id === collectionId)?.name ?? "")}
              >
                Add
              </Button>
            </div>
          )}
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (newBoard.trim()) createBoard();
            }}
          >
            <label htmlFor={`${listId}-new`} className="sr-only">
              New collection name
            </label>
            <input
              id={`${listId}-new`}
              value={newBoard}
              onChange={(e) => setNewBoard(e.target.value)}
              maxLength={80}
              placeholder="New collection"
              className="block w-full rounded-md border border-stone-300 px-2 py-1.5 text-sm"
            />
            <Button
              type="submit"
              variant="secondary"
              className="shrink-0 whitespace-nowrap"
              disabled={pending || !newBoard.trim()}
            >
              Create &amp; add
            </Button>
          </form>
        </div>
      )}
      {message && <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert>}
    </div>
  );
}
