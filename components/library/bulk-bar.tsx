"use client";

import Link from "@/components/ui/link";
import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { ExportDialog, type ExportSelection } from "@/components/delivery/export-dialog";
import { Button } from "@/components/ui/button";
import type { LibrarySelectionApi } from "./selection";
import type { BulkAction, BulkResult } from "./types";
import { useBulkAction, useCollections } from "./use-library";

type Props = {
  selection: LibrarySelectionApi;
  q: string;
  total: number;
  /** What the viewer's role may do (the server checks again per asset). */
  can: { tag: boolean; collect: boolean; sendToReview: boolean; exportAssets: boolean };
};

type Panel = "tag" | "collect" | null;
/** `link`: where the change can be seen (the collection the assets went to). */
type Flash = { tone: "success" | "error"; text: string; link?: { href: string; label: string } } | null;

/** The picker's value for "a new collection named…". */
const NEW = "new";

/**
 * What to do with the selected assets. Actions send the selection itself ({ assetIds } or
 * { query }); the server resolves it under the viewer's visibility and says what it skipped.
 */
export function BulkBar({ selection, q, total, can }: Props) {
  const bulk = useBulkAction();
  const [panel, setPanel] = useState<Panel>(null);
  const [flash, setFlash] = useState<Flash>(null);
  const [tags, setTags] = useState("");
  const [collectionId, setCollectionId] = useState("");
  const [newName, setNewName] = useState("");
  const [creating, setCreating] = useState(false);
  const collections = useCollections(panel === "collect");

  if (selection.count === 0 && !flash) return null;
  const all = selection.state.kind === "query";

  function run(action: BulkAction, extra: { tags?: string[]; collectionId?: string } = {}) {
    const target = selection.toSelection();
    if (!target) return;
    setFlash(null);
    bulk.mutate(
      { action, selection: target, ...extra },
      {
        onSuccess: (r: BulkResult) => {
          const link =
            action === "collect" && extra.collectionId
              ? { href: `/collections/${extra.collectionId}`, label: "Open the collection" }
              : undefined;
          setFlash({
            tone: "success",
            text: r.message || `${r.affected} changed${r.skipped ? `, ${r.skipped} skipped` : ""}.`,
            link,
          });
          setPanel(null);
          setTags("");
          setCollectionId("");
          setNewName("");
        },
        onError: (e) =>
          setFlash({ tone: "error", text: e instanceof RequestError ? e.message : "That did not work; try again." }),
      },
    );
  }
  /** A new (private) board first, then the selection goes onto it; the bulk endpoint stays one action. */
  async function collectIntoNew(name: string) {
    setCreating(true);
    setFlash(null);
    try {
      const r = await api<{ collection: { id: string } }>("/api/collections", {
        json: { name, description: "", shared: false },
      });
      run("collect", { collectionId: r.collection.id });
    } catch (e) {
      setFlash({
        tone: "error",
        text: e instanceof RequestError ? e.message : "Could not create the collection; try again.",
      });
    } finally {
      setCreating(false);
    }
  }
  const tagList = tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

  return (
    <div className="pointer-events-none sticky bottom-4 z-30 mt-4 flex justify-center" data-testid="bulk-bar">
      <div className="pointer-events-auto w-full max-w-4xl rounded-lg border border-stone-200 bg-white px-4 py-3 shadow-lg">
        {selection.count > 0 && (
          <div className="flex flex-wrap items-center gap-2">
            <div className="mr-auto flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
              <span className="font-medium text-stone-900" data-testid="selection-count">
                {all
                  ? `All ${total.toLocaleString("en-US")} results selected`
                  : `${selection.count.toLocaleString("en-US")} selected`}
              </span>
              {!all && total > selection.count && (
                <button
                  type="button"
                  onClick={() => selection.selectAll(q, total)}
                  className="font-medium text-kiln-700 hover:underline"
                  data-testid="select-all"
                >
                  Select all {total.toLocaleString("en-US")} results
                </button>
              )}
              <button
                type="button"
                onClick={selection.clear}
                className="text-stone-600 hover:text-stone-900 hover:underline"
              >
                Clear
              </button>
            </div>
            {can.tag && (
              <Button
                variant="secondary"
                onClick={() => setPanel(panel === "tag" ? null : "tag")}
                aria-expanded={panel === "tag"}
              >
                Tag…
              </Button>
            )}
            {can.collect && (
              <Button
                variant="secondary"
                onClick={() => setPanel(panel === "collect" ? null : "collect")}
                aria-expanded={panel === "collect"}
              >
                Add to collection…
              </Button>
            )}
            {can.sendToReview && (
              <Button variant="secondary" onClick={() => run("send_to_review")} disabled={bulk.isPending}>
                Send to review
              </Button>
            )}
            {can.exportAssets && (
              <ExportDialog
                selection={toExportSelection(selection.toSelection())}
                label={
                  all
                    ? `All ${total.toLocaleString("en-US")} results of this search`
                    : `${selection.count.toLocaleString("en-US")} selected asset${selection.count === 1 ? "" : "s"}`
                }
                buttonText="Export…"
              />
            )}
          </div>
        )}
        {panel === "tag" && (
          <form
            className="mt-3 flex flex-wrap items-end gap-2 border-t border-stone-100 pt-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (tagList.length) run("tag", { tags: tagList });
            }}
          >
            <label className="min-w-64 flex-1 text-xs font-medium text-stone-600">
              Tags (comma-separated)
              <input
                autoFocus
                value={tags}
                onChange={(e) => setTags(e.target.value)}
                placeholder="spring-hero, homepage"
                className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500"
              />
            </label>
            <Button type="submit" disabled={!tagList.length || bulk.isPending}>
              Add tags
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={!tagList.length || bulk.isPending}
              onClick={() => run("untag", { tags: tagList })}
            >
              Remove tags
            </Button>
          </form>
        )}
        {panel === "collect" && (
          <form
            className="mt-3 flex flex-wrap items-end gap-2 border-t border-stone-100 pt-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (collectionId === NEW) {
                if (newName.trim()) void collectIntoNew(newName.trim());
              } else if (collectionId) run("collect", { collectionId });
            }}
          >
            <label className="min-w-64 flex-1 text-xs font-medium text-stone-600">
              Collection
              <select
                value={collectionId}
                onChange={(e) => setCollectionId(e.target.value)}
                className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500"
              >
                <option value="">{collections.isLoading ? "Loading…" : "Pick a collection"}</option>
                {collections.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                <option value={NEW}>New collection…</option>
              </select>
            </label>
            {collectionId === NEW && (
              <label className="min-w-48 flex-1 text-xs font-medium text-stone-600">
                Name of the new collection
                <input
                  autoFocus
                  value={newName}
                  maxLength={80}
                  onChange={(e) => setNewName(e.target.value)}
                  placeholder="Spring hero picks"
                  className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500"
                />
              </label>
            )}
            <Button
              type="submit"
              disabled={!collectionId || (collectionId === NEW && !newName.trim()) || bulk.isPending || creating}
            >
              {collectionId === NEW ? "Create & add" : "Add"}
            </Button>
            {collections.data?.length === 0 && collectionId !== NEW && (
              <p className="w-full text-xs text-stone-500">
                You have no collections you can add to yet: choose “New collection…” to start one with this selection.
              </p>
            )}
            {collections.isError && <p className="w-full text-xs text-red-700">Could not load collections.</p>}
          </form>
        )}
        {flash && (
          <div
            className={`mt-2 flex items-center justify-between gap-2 text-sm ${flash.tone === "error" ? "text-red-700" : "text-emerald-700"}`}
            role={flash.tone === "error" ? "alert" : "status"}
            data-testid="bulk-result"
          >
            <span>
              {flash.text}
              {flash.link && (
                <>
                  {" "}
                  <Link
                    href={flash.link.href}
                    className="font-medium text-kiln-700 underline"
                    data-testid="bulk-result-link"
                  >
                    {flash.link.label}
                  </Link>
                </>
              )}
            </span>
            <button
              type="button"
              onClick={() => setFlash(null)}
              aria-label="Dismiss"
              className="text-stone-500 hover:text-stone-700"
            >
              ×
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** The library's selection as the export takes it: the clicked ids, or the query itself ("select all N results"). */
function toExportSelection(s: ReturnType<LibrarySelectionApi["toSelection"]>): ExportSelection | null {
  if (!s) return null;
  if (s.assetIds) return { assetIds: s.assetIds };
  return s.query !== undefined ? { query: s.query } : null;
}
