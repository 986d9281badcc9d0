/**
 * What the library's API answers, as the page reads it: the server's own types (type-only imports,
 * so nothing of lib/ reaches the browser bundle), plus the page's view of facets and its settings.
 */
import type { MouseEvent } from "react";
import type { LibraryItem, LibraryPage } from "@/lib/library/search";

export type { LibraryItem };

/** What the grid and the list views both take: the loaded results, paging, selection and the lightbox. */
export type ResultViewProps = {
  items: LibraryItem[];
  density: Density;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  isSelected: (id: string) => boolean;
  onSelect: (id: string, e: MouseEvent) => void;
  onOpen: (index: number) => void;
  /** Adds a phrase search for a value (a carried CSV column's) to the query. */
  onSearchText: (value: string) => void;
};
/** `totalCapped`: the count stopped at the server's cap (shown as "10,000+"). */
export type SearchPage = LibraryPage;

/** `value` is what the grammar takes (`field:value`); `label` what people read (names, never ids). */
/** `token` is the term that selects the bucket (`campaign:"Spring 26"`), built by the server with the grammar's quoting. */
/** `versions`: a preset's or template's versions (`preset:slug@2`), shown when the entry is expanded. */
export type FacetValue = { value: string; label: string; count: number; token: string; versions?: FacetValue[] };
export type FacetGroup = { field: string; label: string; values: FacetValue[] };

export type SavedSearch = { id: string; name: string; query: string; createdAt?: string };
export type CollectionOption = { id: string; name: string };

export type BulkAction = "tag" | "untag" | "collect" | "send_to_review";
export type BulkResult = { affected: number; skipped: number; message: string };

export const SORTS = [
  { value: "newest", label: "Newest first" },
  { value: "oldest", label: "Oldest first" },
  { value: "relevance", label: "Best match" },
  { value: "cost", label: "Most expensive" },
] as const;
export type Sort = (typeof SORTS)[number]["value"];

export const VIEWS = ["grid", "list"] as const;
export type View = (typeof VIEWS)[number];

export const DENSITIES = ["compact", "comfortable", "large"] as const;
export type Density = (typeof DENSITIES)[number];
