"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UploadView } from "@/lib/uploads/list-uploads";

type ApiError = { error: { code: string; message: string } };

async function asJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as T | ApiError | null;
  if (!response.ok) throw new Error((body as ApiError | null)?.error?.message ?? `Request failed (${response.status}).`);
  return body as T;
}

/** Polls while any upload is still processing, so thumbnails appear as they are made. */
export function useUploads() {
  return useQuery({
    queryKey: ["uploads"],
    queryFn: async () => (await asJson<{ uploads: UploadView[] }>(await fetch("/api/uploads"))).uploads,
    refetchInterval: (query) => (query.state.data?.some((u) => u.status === "processing") ? 1000 : false),
  });
}

export function useUploadFile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.set("file", file);
      return asJson<{ upload: { id: string; status: string; error: string | null } }>(await fetch("/api/uploads", { method: "POST", body: form }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["uploads"] }),
  });
}

export function useRetryUpload() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => asJson(await fetch(`/api/uploads/${id}/retry`, { method: "POST" })),
    onSettled: () => client.invalidateQueries({ queryKey: ["uploads"] }),
  });
}
