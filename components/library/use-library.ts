"use client";

import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from "@tanstack/react-query";
import { api, RequestError } from "@/components/api-client";
import type {
  BulkAction,
  BulkResult,
  CollectionOption,
  FacetGroup,
  LibraryItem,
  SavedSearch,
  SearchPage,
  Sort,
} from "./types";
import type { CollectionCard } from "@/lib/collections/views";
import type { FacetBucket, LibraryFacets } from "@/lib/library/facets";
import type { LibrarySelection } from "./selection";

export const PAGE_SIZE = 120;

const noRetryOn4xx = (count: number, error: Error) =>
  !(error instanceof RequestError && error.error.code !== "internal") && count < 1;

/** Results by cursor, a page at a time as the grid scrolls; the previous results stay while a new query loads. */
export function useLibrarySearch(q: string, sort: Sort) {
  return useInfiniteQuery({
    queryKey: ["library-search", q, sort],
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ q, sort, limit: String(PAGE_SIZE) });
      if (pageParam) qs.set("cursor", pageParam);
      return api<SearchPage>(`/api/library/search?${qs}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    // A parse error (400) is the user's query: show it, don't ask again.
    retry: noRetryOn4xx,
  });
}

export type FacetsView = { groups: FacetGroup[]; sampleRows: number | null };

export function useLibraryFacets(q: string) {
  return useQuery<FacetsView>({
    queryKey: ["library-facets", q],
    // The top 50 values per facet: the sidebar shows a few and "Show all" the rest.
    queryFn: ({ signal }) =>
      api<LibraryFacets>(`/api/library/facets?${new URLSearchParams({ q, top: "50" })}`, { signal }).then(
        normalizeFacets,
      ),
    placeholderData: keepPreviousData,
    retry: noRetryOn4xx,
  });
}

/** Headings for the facets the API answers (keyed by the grammar's field names), in its order. */
const FACET_LABELS: Record<string, string> = {
  status: "Status",
  tier: "Tier",
  source: "Source",
  campaign: "Campaign",
  batch: "Batch",
  preset: "Preset",
  template: "Template",
  model: "Model",
  lora: "LoRA",
  provider: "GPU endpoint",
  designer: "Designer",
  team: "Team",
  reviewer: "Reviewer",
  check: "Check verdict",
  reason: "Reasons",
  tag: "Tags",
  created: "Created (month)",
  aspect: "Aspect ratio",
  size: "Size (longer side)",
};

/**
 * The facets answer ({ status: [buckets], …, sample }) as groups in the server's order. `sample`
 * says the counts come from the newest N matches of a broad query, not all of them.
 */
export function normalizeFacets(body: LibraryFacets): FacetsView {
  const groups = Object.entries(body)
    .filter((entry): entry is [string, FacetBucket[]] => entry[0] !== "sample" && Array.isArray(entry[1]))
    .map(([field, buckets]) => ({
      field,
      label: FACET_LABELS[field] ?? field,
      values: buckets.map(({ value, label, count, token, versions }) => ({
        value,
        label,
        count,
        token,
        ...(versions?.length
          ? { versions: versions.map((v) => ({ value: v.value, label: v.label, count: v.count, token: v.token })) }
          : {}),
      })),
    }));
  return { groups, sampleRows: body.sample?.rows ?? null };
}

export function useSavedSearches() {
  return useQuery({
    queryKey: ["saved-searches"],
    queryFn: () =>
      api<{ savedSearches?: SavedSearch[]; items?: SavedSearch[] }>("/api/saved-searches").then(
        (r) => r.savedSearches ?? r.items ?? [],
      ),
    staleTime: 60_000,
    retry: noRetryOn4xx,
  });
}

export function useSavedSearchActions() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ["saved-searches"] });
  return {
    save: useMutation({
      mutationFn: (body: { name: string; query: string }) => api<unknown>("/api/saved-searches", { json: body }),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<unknown>(`/api/saved-searches/${id}`, { method: "DELETE" }),
      onSettled: refresh,
    }),
  };
}

/** The boards the viewer may add to: their own and team boards they can edit. */
export function useCollections(enabled: boolean) {
  return useQuery({
    queryKey: ["collections"],
    queryFn: () =>
      api<{ mine: CollectionCard[]; shared: CollectionCard[] }>("/api/collections").then((r) =>
        [...r.mine, ...r.shared]
          .filter((c) => c.canEdit)
          .map((c): CollectionOption => ({ id: c.id, name: c.mine ? c.name : `${c.name} (${c.teamName ?? "team"})` })),
      ),
    enabled,
    retry: noRetryOn4xx,
  });
}

type SearchCache = InfiniteData<SearchPage, string | null>;

/** Star or unstar at once in every loaded result list; the server's answer settles it. */
export function useStar() {
  const client = useQueryClient();
  const setStarred = (id: string, starred: boolean) =>
    client.setQueriesData<SearchCache>({ queryKey: ["library-search"] }, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((p) => ({
              ...p,
              items: p.items.map((i: LibraryItem) => (i.id === id ? { ...i, starred } : i)),
            })),
          }
        : data,
    );
  return useMutation({
    mutationFn: ({ id, starred }: { id: string; starred: boolean }) =>
      api<unknown>(`/api/assets/${id}/star`, { method: starred ? "POST" : "DELETE", json: {} }),
    onMutate: ({ id, starred }) => setStarred(id, starred),
    onError: (_e, { id, starred }) => setStarred(id, !starred),
    // Only `is:starred` results depend on the star; other lists are already right.
    onSettled: () =>
      client.invalidateQueries({
        queryKey: ["library-search"],
        predicate: (q) => String(q.queryKey[1]).includes("is:starred"),
      }),
  });
}

export function useBulkAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { action: BulkAction; selection: LibrarySelection; tags?: string[]; collectionId?: string }) =>
      api<BulkResult>("/api/library/bulk", { json: body }),
    // Collections too: "New collection…" in the bulk bar creates one just before adding to it.
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["library-search"] }),
        client.invalidateQueries({ queryKey: ["library-facets"] }),
        client.invalidateQueries({ queryKey: ["collections"] }),
      ]),
  });
}
