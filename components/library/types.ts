/**
 * What the library's API answers (GET /api/library/search and /api/library/facets), as the page
 * reads it. The server's own types live in lib/library; these mirror the JSON.
 */
export type LibraryItem = {
  id: string;
  title: string;
  status: "checking" | "in_review" | "approved" | "rejected" | "changes_requested";
  tier: string | null;
  source: string;
  campaign: string | null;
  ownerName: string;
  createdAt: string;
  approvedAt: string | null;
  width: number | null;
  height: number | null;
  thumbUrl: string | null;
  previewUrl: string | null;
  starred: boolean;
  tags: string[];
  costMicros: number;
  statusReason: string | null;
};

/** `totalCapped`: the count stopped at the server's cap (shown as "10,000+"). */
export type SearchPage = { items: LibraryItem[]; total: number; totalCapped?: boolean; nextCursor: string | null };

/** `value` is what the grammar takes (`field:value`); `label` what people read (names, never ids). */
export type FacetValue = { value: string; label: string; count: number };
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
