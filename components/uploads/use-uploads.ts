"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { UploadView } from "@/lib/uploads/list-uploads";

/** Polls while any upload is still processing or its asset's checks are running, so thumbnails and check outcomes appear. */
export function useUploads() {
  return useQuery({
    queryKey: ["uploads"],
    queryFn: async () => (await api<{ uploads: UploadView[] }>("/api/uploads")).uploads,
    refetchInterval: (query) =>
      query.state.data?.some((u) => u.status === "processing" || u.asset?.status === "checking") ? 1000 : false,
  });
}

export function useUploadFile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.set("file", file);
      return api<{ upload: { id: string; status: string; error: string | null } }>("/api/uploads", {
        method: "POST",
        body: form,
      });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["uploads"] }),
  });
}

export function useRetryUpload() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => api(`/api/uploads/${id}/retry`, { method: "POST" }),
    onSettled: () => client.invalidateQueries({ queryKey: ["uploads"] }),
  });
}
