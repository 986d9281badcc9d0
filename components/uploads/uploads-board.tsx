"use client";

import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { UploadTile } from "./upload-tile";
import { useRetryUpload, useUploadFile, useUploads } from "./use-uploads";

export function UploadsBoard({ canUpload, maxMb }: { canUpload: boolean; maxMb: number }) {
  const uploads = useUploads();
  const upload = useUploadFile();
  const retry = useRetryUpload();
  const input = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<string[]>([]);

  const send = async (files: FileList | null) => {
    if (!files?.length) return;
    const problems: string[] = [];
    // One at a time: a failure names its file and never hides the others.
    for (const file of Array.from(files)) {
      await upload.mutateAsync(file).catch((e: Error) => problems.push(`${file.name}: ${e.message}`));
    }
    setErrors(problems);
    if (input.current) input.current.value = "";
  };

  return (
    <div className="space-y-6">
      {canUpload && (
        <Card>
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-sm text-stone-600">JPEG, PNG, WebP, AVIF or GIF, up to {maxMb} MB each.</p>
            <label className="inline-flex cursor-pointer items-center rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700">
              {upload.isPending ? "Uploading…" : "Upload images"}
              <input
                ref={input}
                type="file"
                accept="image/*"
                multiple
                className="sr-only"
                disabled={upload.isPending}
                onChange={(e) => void send(e.target.files)}
                data-testid="upload-input"
              />
            </label>
          </div>
          {errors.length > 0 && (
            <div className="mt-4">
              <Alert tone="error">
                <ul>
                  {errors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </Alert>
            </div>
          )}
        </Card>
      )}
      {uploads.isError && <Alert tone="error">Could not load uploads: {uploads.error.message}</Alert>}
      {uploads.isPending && <p className="text-sm text-stone-500">Loading uploads…</p>}
      {uploads.data?.length === 0 && (
        <div className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center text-sm text-stone-500">
          No uploads yet.{" "}
          {canUpload ? "Upload a reference image or a brand asset to start." : "Designers' uploads will appear here."}
        </div>
      )}
      {uploads.data && uploads.data.length > 0 && (
        <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
          {uploads.data.map((u) => (
            <UploadTile key={u.id} upload={u} onRetry={canUpload ? () => retry.mutate(u.id) : undefined} />
          ))}
        </ul>
      )}
      {retry.isError && <Alert tone="error">{retry.error.message}</Alert>}
    </div>
  );
}
