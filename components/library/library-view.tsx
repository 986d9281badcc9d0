"use client";

import { SlidersHorizontal } from "lucide-react";
import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useMemo, useState, type MouseEvent } from "react";
import { RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { addQueryToken, parseLibraryQuery, phraseToken } from "@/lib/library/query-grammar";
import { ActiveFilters } from "./active-filters";
import { AssetGrid, GridSkeleton } from "./asset-grid";
import { AssetList } from "./asset-list";
import { BulkBar } from "./bulk-bar";
import { DENSITY } from "./density";
import { FacetSidebar } from "./facet-sidebar";
import { Lightbox } from "./lightbox";
import { SavedSearches } from "./saved-searches";
import { SearchBox } from "./search-box";
import { useLibrarySelection } from "./selection";
import { DENSITIES, SORTS, type Density, type ResultViewProps, type Sort, type View } from "./types";
import { useLibraryFacets, useLibrarySearch } from "./use-library";
import { libraryHref, useLibraryUrl } from "./use-library-url";

function validate(q: string): string | null {
  const parsed = parseLibraryQuery(q);
  return parsed.ok ? null : `${parsed.error.message} (at column ${parsed.error.position + 1})`;
}

/**
 * The library: one query (typed, or written by the facets) in the URL, results in a virtualised
 * grid or list, a lightbox, and a bulk selection that the actions (and later the export) take.
 */
export function LibraryView({
  canGenerate,
  can,
}: {
  canGenerate: boolean;
  can: { tag: boolean; collect: boolean; sendToReview: boolean; exportAssets: boolean };
}) {
  const { state, update } = useLibraryUrl();
  const pathname = usePathname();
  const { q, sort, view, density } = state;
  const search = useLibrarySearch(q, sort);
  const facets = useLibraryFacets(q);
  const selection = useLibrarySelection();
  const [open, setOpen] = useState<number | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);

  const items = useMemo(() => search.data?.pages.flatMap((p) => p.items) ?? [], [search.data]);
  const total = search.data?.pages[0]?.total ?? 0;
  const capped = !!search.data?.pages[0]?.totalCapped;
  const order = useMemo(() => items.map((i) => i.id), [items]);

  const setQuery = useCallback((next: string, how: "push" | "replace" = "push") => update({ q: next }, how), [update]);
  const searchText = useCallback((value: string) => setQuery(addQueryToken(q, phraseToken(value))), [q, setQuery]);

  // A new query closes the preview; "all results" of the old query no longer means anything.
  const { clear } = selection;
  const selectedQuery = selection.state.kind === "query" ? selection.state.query : null;
  useEffect(() => {
    setOpen(null);
    if (selectedQuery !== null && selectedQuery !== q) clear();
  }, [q, selectedQuery, clear]);

  const onSelect = useCallback(
    (id: string, e: MouseEvent) => selection.toggle(id, { shift: e.shiftKey, order }),
    [selection, order],
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const queryError =
    search.error instanceof RequestError && search.error.error.code === "invalid_input" ? search.error.message : null;
  const otherError: Error | null = search.error && !queryError ? search.error : null;
  const results: ResultViewProps = {
    items,
    density,
    hasMore: !!hasNextPage,
    loadingMore: isFetchingNextPage,
    onLoadMore: loadMore,
    isSelected: selection.isSelected,
    onSelect,
    onOpen: setOpen,
    onSearchText: searchText,
  };

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[15rem_minmax(0,1fr)]">
      <aside
        id="library-filters"
        className={`${filtersOpen ? "" : "hidden"} space-y-6 lg:block lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto lg:pb-4 lg:pr-1`}
      >
        <SavedSearches q={q} hrefFor={(sq) => libraryHref(pathname, { ...state, q: sq })} onQuery={setQuery} />
        <FacetSidebar q={q} facets={facets.data} loading={facets.isFetching} onQuery={setQuery} />
      </aside>
      <div className="min-w-0 space-y-3">
        <SearchBox value={q} onSearch={setQuery} error={queryError} validate={validate} />
        {/* Below lg the facets and saved searches fold away behind this button (they sit above the results). */}
        <Button
          variant="secondary"
          className="lg:hidden"
          aria-expanded={filtersOpen}
          aria-controls="library-filters"
          onClick={() => {
            setFiltersOpen((o) => !o);
            if (!filtersOpen) window.scrollTo({ top: 0 });
          }}
        >
          <SlidersHorizontal aria-hidden className="h-4 w-4" />{" "}
          {filtersOpen ? "Hide filters" : "Filters and saved searches"}
        </Button>
        <ActiveFilters q={q} onQuery={setQuery} />
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-stone-200 pb-3">
          <p
            className="text-sm text-stone-600"
            aria-live="polite"
            data-testid="library-total"
            data-total={search.data ? total : undefined}
            data-busy={search.isFetching || !search.data}
          >
            {search.data ? (
              <>
                <span className="font-semibold tabular-nums text-stone-900">
                  {total.toLocaleString("en-US")}
                  {capped && "+"}
                </span>{" "}
                {total === 1 ? "asset" : "assets"}
              </>
            ) : (
              "Searching…"
            )}
            {search.isFetching && search.data && <span className="ml-2 text-stone-500">updating…</span>}
          </p>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label className="flex items-center gap-1.5 text-stone-600">
              Sort
              <select
                value={sort}
                onChange={(e) => update({ sort: e.target.value as Sort }, "replace")}
                className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm shadow-sm"
              >
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
            <Segmented
              label="View"
              value={view}
              options={[
                { value: "grid", label: "Grid" },
                { value: "list", label: "List" },
              ]}
              onChange={(v) => update({ view: v as View }, "replace")}
            />
            <Segmented
              label="Density"
              value={density}
              options={DENSITIES.map((d) => ({ value: d, label: DENSITY[d].label }))}
              onChange={(v) => update({ density: v as Density }, "replace")}
            />
          </div>
        </div>

        {otherError ? (
          <Alert tone="error">
            Could not load the library: {otherError.message}{" "}
            <button type="button" onClick={() => void search.refetch()} className="font-medium underline">
              Try again
            </button>
          </Alert>
        ) : !search.data ? (
          queryError ? null : (
            <GridSkeleton density={density} />
          )
        ) : total === 0 ? (
          <EmptyState q={q} canGenerate={canGenerate} onClear={() => setQuery("")} />
        ) : view === "grid" ? (
          <AssetGrid {...results} />
        ) : (
          <AssetList {...results} />
        )}
        <BulkBar selection={selection} q={q} total={total} can={can} />
      </div>
      {open !== null && items[open] && (
        <Lightbox
          items={items}
          index={open}
          total={total}
          onIndex={setOpen}
          onClose={() => setOpen(null)}
          onNeedMore={loadMore}
          hasMore={!!hasNextPage}
          onSearchText={searchText}
        />
      )}
    </div>
  );
}

function Segmented({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      className="inline-flex overflow-hidden rounded-md border border-stone-300 bg-white shadow-sm"
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          className={`px-2.5 py-1 text-sm ${value === o.value ? "bg-stone-800 text-white" : "text-stone-700 hover:bg-stone-100"}`}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

function EmptyState({ q, canGenerate, onClear }: { q: string; canGenerate: boolean; onClear: () => void }) {
  if (!q)
    return (
      <div
        className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center"
        data-testid="library-empty"
      >
        <h2 className="text-base font-semibold text-stone-900">No assets yet</h2>
        <p className="mx-auto mt-1 max-w-md text-sm text-stone-500">
          {canGenerate
            ? "Every image you generate or upload lands here, searchable by what made it and what happened to it."
            : "Assets appear here once designers generate or upload them."}
        </p>
        {canGenerate && (
          <Link
            href="/generate"
            className="mt-4 inline-flex rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
          >
            Generate images
          </Link>
        )}
      </div>
    );
  return (
    <div
      className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center"
      data-testid="library-no-results"
    >
      <h2 className="text-base font-semibold text-stone-900">No assets match this search</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-stone-500">
        Remove a filter above, or clear them all and start again. The ? next to the search box shows what a query can
        say.
      </p>
      <Button variant="secondary" className="mt-4" onClick={onClear}>
        Clear filters
      </Button>
    </div>
  );
}
