"use client";

import Link from "@/components/ui/link";
import { useState } from "react";
import { RequestError } from "@/components/api-client";
import { addQueryToken, hasQueryToken, removeQueryToken } from "@/lib/library/query-grammar";
import { useSavedSearches, useSavedSearchActions } from "./use-library";

/** Shortcuts: your stars, and the searches you named; "Save this search" names the current query. */
export function SavedSearches({
  q,
  hrefFor,
  onQuery,
}: {
  q: string;
  hrefFor: (q: string) => string;
  onQuery: (q: string) => void;
}) {
  const list = useSavedSearches();
  const { save, remove } = useSavedSearchActions();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const starred = hasQueryToken(q, "is:starred");

  return (
    <section className="space-y-2" aria-labelledby="saved-searches-title" data-testid="saved-searches">
      <button
        type="button"
        aria-pressed={starred}
        onClick={() => onQuery(starred ? removeQueryToken(q, "is:starred") : addQueryToken(q, "is:starred"))}
        className={`flex w-full items-center gap-2 rounded px-2 py-1 text-left text-sm ${starred ? "bg-amber-50 font-medium text-amber-800" : "text-stone-700 hover:bg-stone-100"}`}
        data-testid="starred-shortcut"
      >
        <span className="text-amber-500">★</span> Starred
      </button>
      <h2 id="saved-searches-title" className="pt-2 text-xs font-semibold uppercase tracking-wide text-stone-500">
        Saved searches
      </h2>
      {list.isError && <p className="text-xs text-red-700">Could not load saved searches.</p>}
      {list.data?.length === 0 && (
        <p className="px-2 text-xs text-stone-500">None yet. Search, then save it here to come back with one click.</p>
      )}
      <ul className="space-y-0.5">
        {list.data?.map((s) => (
          <li key={s.id} className="group flex items-center gap-1">
            <Link
              href={hrefFor(s.query)}
              className={`min-w-0 flex-1 truncate rounded px-2 py-1 text-sm ${s.query === q ? "bg-kiln-50 font-medium text-kiln-800" : "text-stone-700 hover:bg-stone-100"}`}
              title={s.query}
              data-testid="saved-search"
            >
              {s.name}
            </Link>
            <button
              type="button"
              onClick={() => remove.mutate(s.id)}
              aria-label={`Delete saved search ${s.name}`}
              className="rounded px-1 text-stone-500 opacity-0 hover:text-red-700 focus:opacity-100 group-hover:opacity-100"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {q &&
        (naming ? (
          <form
            className="space-y-1.5 px-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (!name.trim()) return;
              save.mutate(
                { name: name.trim(), query: q },
                {
                  onSuccess: () => {
                    setNaming(false);
                    setName("");
                  },
                },
              );
            }}
          >
            <input
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Name, e.g. Spring hero shots"
              aria-label="Name of the saved search"
              maxLength={120}
              className="w-full rounded-md border border-stone-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500"
            />
            <div className="flex gap-2 text-xs">
              <button
                type="submit"
                disabled={save.isPending || !name.trim()}
                className="font-medium text-kiln-700 hover:underline disabled:text-stone-400"
              >
                Save
              </button>
              <button type="button" onClick={() => setNaming(false)} className="text-stone-500 hover:underline">
                Cancel
              </button>
            </div>
            {save.error && (
              <p className="text-xs text-red-700">
                {save.error instanceof RequestError ? save.error.message : "Could not save."}
              </p>
            )}
          </form>
        ) : (
          <button
            type="button"
            onClick={() => setNaming(true)}
            className="px-2 text-xs font-medium text-kiln-700 hover:underline"
          >
            + Save this search
          </button>
        ))}
    </section>
  );
}
