"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { AssetDetail } from "@/lib/assets/asset-detail";
import type { QueueItem } from "@/lib/review/queue";

export type QueueFilters = { tier?: string; campaign?: string; warnings?: string; designerId?: string };
export type Decision = "approve" | "approve_with_changes" | "request_changes" | "reject";
export type DecisionResult = { decisionId: string; status: string; approvals: number; approvalsNeeded: number; approvalId: string | null };

export function useReviewQueue(filters: QueueFilters) {
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString();
  return useQuery({
    queryKey: ["review-queue", qs],
    queryFn: () => api<{ items: QueueItem[]; total: number; slaHours: number }>(`/api/review/queue${qs ? `?${qs}` : ""}`),
    refetchInterval: 15_000,
  });
}

export function useAssetDetail(assetId: string | null) {
  return useQuery({
    queryKey: ["asset", assetId],
    queryFn: () => api<AssetDetail>(`/api/assets/${assetId}`),
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
  const refresh = () => client.invalidateQueries({ queryKey: ["review-queue"] });
  return {
    decide: useMutation({
      mutationFn: (body: { assetId: string; assetVersionId: string; decision: Decision; reasonCode?: string; comment?: string }) =>
        api<DecisionResult>("/api/review/decisions", { json: body }),
      onSettled: refresh,
    }),
    undo: useMutation({
      mutationFn: (decisionId: string) => api<{ assetId: string }>(`/api/review/decisions/${decisionId}/undo`, { json: {} }),
      onSettled: refresh,
    }),
    claim: useMutation({
      mutationFn: (size: number) => api<{ claimed: number; expiresAt: string }>("/api/review/claims", { json: { size } }),
      onSettled: refresh,
    }),
    bulk: useMutation({
      mutationFn: (items: { assetId: string; assetVersionId: string }[]) =>
        api<{ approved: string[]; partial: string[]; refused: { assetId: string; message: string }[] }>("/api/review/decisions/bulk", { json: { items } }),
      onSettled: refresh,
    }),
  };
}
