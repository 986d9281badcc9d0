"use client";

import { useCallback } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshNavCounts } from "@/components/console/use-nav-counts";
import { api } from "@/components/api-client";
import type { HeldByOthers, QueueItem, QueuePageKey } from "@/lib/review/queue";
import type { ReviewAssetDetail } from "@/lib/review/review-detail";

export type QueueFilters = { tier?: string; campaign?: string; warnings?: string; designerId?: string };
export type Decision = "approve" | "approve_with_changes" | "request_changes" | "reject";
export type DecisionResult = {
  decisionId: string;
  status: string;
  approvals: number;
  approvalsNeeded: number;
  approvalId: string | null;
};

const filterParams = (filters: QueueFilters) => Object.entries(filters).filter(([, v]) => v) as [string, string][];

export function useReviewQueue(filters: QueueFilters) {
  const qs = new URLSearchParams(filterParams(filters)).toString();
  return useQuery({
    queryKey: ["review-queue", qs],
    queryFn: () =>
      api<{ items: QueueItem[]; total: number; slaHours: number; heldByOthers: HeldByOthers }>(
        `/api/review/queue${qs ? `?${qs}` : ""}`,
      ),
    refetchInterval: 15_000,
  });
}

/** The asset after `after` in this reviewer's queue (same filters), or null: one cheap read (lib/review/queue.ts nextReviewItem). */
export function fetchNextItem(filters: QueueFilters, after: QueuePageKey) {
  const params = new URLSearchParams(filterParams(filters));
  if (after.at) params.set("afterAt", after.at);
  params.set("afterId", after.id);
  return api<{ item: QueueItem | null }>(`/api/review/next?${params}`).then((r) => r.item);
}

/** The asset under review's checks, provenance, cost and earlier decisions (lib/review/review-detail.ts), not the whole asset page. */
export function useReviewDetail(assetId: string | null) {
  return useQuery({
    queryKey: ["review-asset", assetId],
    queryFn: () => api<ReviewAssetDetail>(`/api/review/assets/${assetId}`),
    enabled: !!assetId,
  });
}

export function useRejectReasons() {
  return useQuery({
    queryKey: ["reject-reasons"],
    queryFn: () => api<{ reasons: { code: string; label: string }[] }>("/api/review/reasons"),
    staleTime: 60_000,
  });
}

export function useReviewActions() {
  const client = useQueryClient();
  // Stable across renders: the page's pause timer depends on it.
  const refresh = useCallback(() => {
    void refreshNavCounts(client);
    return client.invalidateQueries({ queryKey: ["review-queue"] });
  }, [client]);
  // After a decision the page opens the next asset from a one-row read (fetchNextItem) and drops the
  // decided one from the list itself; the 200-row list is marked stale, not refetched at once: it
  // refreshes on its 15-second interval, when the reviewer pauses, or when the list runs low
  // (review-workspace.tsx), so it does not compete with the next asset's requests.
  // The menu's queue badge is one small count: it is read again after every decision.
  const markStale = () => {
    void refreshNavCounts(client);
    return client.invalidateQueries({ queryKey: ["review-queue"], refetchType: "none" });
  };
  return {
    refreshQueue: refresh,
    decide: useMutation({
      mutationFn: (body: {
        assetId: string;
        assetVersionId: string;
        decision: Decision;
        reasonCode?: string;
        comment?: string;
      }) => api<DecisionResult>("/api/review/decisions", { json: body }),
      onSettled: markStale,
    }),
    undo: useMutation({
      mutationFn: (decisionId: string) =>
        api<{ assetId: string }>(`/api/review/decisions/${decisionId}/undo`, { json: {} }),
      onSettled: refresh,
    }),
    // Claims the next assets of the queue as filtered (campaign, tier…), not of the whole queue.
    claim: useMutation({
      mutationFn: ({ size, filters }: { size: number; filters: QueueFilters }) =>
        api<{ claimed: number; expiresAt: string }>("/api/review/claims", {
          json: { size, ...Object.fromEntries(filterParams(filters)) },
        }),
      onSettled: refresh,
    }),
    bulk: useMutation({
      mutationFn: (items: { assetId: string; assetVersionId: string }[]) =>
        api<{ approved: string[]; partial: string[]; refused: { assetId: string; message: string }[] }>(
          "/api/review/decisions/bulk",
          { json: { items } },
        ),
      onSettled: refresh,
    }),
  };
}
