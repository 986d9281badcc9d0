"use client";

import { useState } from "react";
import { CommentPanel, PinnedImage, useComments } from "./pinned-comments";

/** The asset page's image with its pinned comments, for the designer and reviewers (the same pins the review page shows). */
export function AssetComments({
  assetId,
  versionNumber,
  src,
  originalUrl,
  alt,
}: {
  assetId: string;
  versionNumber: number;
  src: string;
  originalUrl: string;
  alt: string;
}) {
  const comments = useComments(assetId);
  const [pending, setPending] = useState<{ x: number; y: number; w?: number; h?: number } | null>(null);
  const [active, setActive] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <div className="overflow-hidden rounded-lg border border-stone-200 bg-stone-100 text-center">
        <PinnedImage
          assetId={assetId}
          versionNumber={versionNumber}
          src={src}
          alt={alt}
          className="max-h-[70vh] max-w-full object-contain"
          comments={comments.data ?? []}
          active={active}
          onActive={setActive}
          onPin={setPending}
        />
      </div>
      <a href={originalUrl} target="_blank" rel="noreferrer" className="text-xs text-kiln-700 hover:underline">
        Open the original in a new tab
      </a>
      <CommentPanel
        assetId={assetId}
        versionNumber={versionNumber}
        comments={comments.data ?? []}
        pending={pending}
        onCancelPin={() => setPending(null)}
        active={active}
        onActive={setActive}
      />
    </div>
  );
}
