"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { BatchDetail, BatchSummary, GenerationRow } from "@/lib/generation/batch-views";

const live = (status?: string) => status === "queued" || status === "running";

/** Polls while anything is still running, so progress and thumbnails appear as they happen. */
export function useBatches() {
  return useQuery({
    queryKey: ["batches"],
    queryFn: () => api<{ batches: BatchSummary[] }>("/api/batches").then((r) => r.batches),
    refetchInterval: (q) => (q.state.data?.some((b) => live(b.status)) ? 2000 : false),
  });
}

export function useBatch(id: string) {
  return useQuery({
    queryKey: ["batch", id],
    queryFn: () => api<{ batch: BatchDetail }>(`/api/batches/${id}`).then((r) => r.batch),
    // Thumbnails are made just after each image, so keep polling until the last one is in.
    refetchInterval: (q) =>
      live(q.state.data?.status) ||
      q.state.data?.rows.some((r) => r.status === "succeeded" && (!r.thumbUrl || stillChecking(r)))
        ? 1500
        : false,
  });
}

export function useBatchAction(id: string, action: "cancel" | "retry" | "resume") {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown> = {}) =>
      api<{ retried?: number; started?: boolean; message?: string }>(`/api/batches/${id}/${action}`, { json: body }),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["batch", id] }),
        client.invalidateQueries({ queryKey: ["batches"] }),
      ]),
  });
}

/** Checks run after the image is stored; an image finished moments ago may not have its asset yet. */
function stillChecking(r: GenerationRow): boolean {
  if (r.check) return r.check.status === "checking";
  return r.finishedAt !== null && Date.now() - Date.parse(r.finishedAt) < 120_000;
}
