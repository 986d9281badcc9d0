"use client";

import Link from "@/components/ui/link";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CheckPanel } from "@/components/assets/check-panel";
import { DownloadMenu } from "@/components/delivery/download-menu";
import { ProductMetadata } from "@/components/assets/product-metadata";
import { Provenance } from "@/components/assets/provenance";
import { AltTextEditor } from "@/components/delivery/alt-text-editor";
import { formatMicros } from "@/lib/costs/estimate";
import type { QueueItem } from "@/lib/review/queue";
import { CommentPanel, PinnedImage, useComments } from "./pinned-comments";
import { useReviewDetail } from "./use-review";

const COMPARE_BASIS = { last_approved: "last approved", previous: "previous version" } as const;

/** Who holds the asset: "Claimed by you until 17:45" (others' claims keep an asset out of this queue). */
function ClaimNote({ item }: { item: QueueItem }) {
  if (!item.claim) return null;
  return (
    <p className="text-xs text-stone-600" data-testid="claim-note">
      Claimed by {item.claim.mine ? `you (${item.claim.by})` : item.claim.by} until{" "}
      {new Date(item.claim.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
    </p>
  );
}

/**
 * The asset under review: the image beside the version to compare with (the last approved, else the
 * previous; a toggle), comments pinned to the image (a click or a drag), the decision controls,
 * checks, provenance and cost. Z zooms to full size.
 */
export function ReviewDetail({
  item,
  zoom,
  onZoom,
  decisionBar,
}: {
  item: QueueItem;
  zoom: boolean;
  onZoom: () => void;
  decisionBar: ReactNode;
}) {
  const detail = useReviewDetail(item.assetId);
  const comments = useComments(item.assetId);
  const compare = detail.data?.compare ?? null;
  // Side by side by default when there is an earlier version: reviewers see what changed first.
  const [comparing, setComparing] = useState(true);
  const [pending, setPending] = useState<{ x: number; y: number; w?: number; h?: number } | null>(null);
  const [active, setActive] = useState<string | null>(null);
  return (
    <div className="space-y-4" data-testid="review-current" data-asset-id={item.assetId}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-stone-900" title={item.title} data-testid="review-title">
            {item.title}
          </h2>
          <ProductMetadata metadata={item.metadata} className="mt-1" />
        </div>
        <DownloadMenu key={item.assetId} assetId={item.assetId} version={item.versionNumber} />
      </div>
      <ClaimNote item={item} />
      <div className="flex flex-wrap items-center gap-2 text-xs text-stone-600">
        {compare ? (
          <Button
            variant="secondary"
            className="px-2 py-1 text-xs"
            aria-pressed={comparing}
            data-testid="compare-toggle"
            onClick={() => setComparing((c) => !c)}
          >
            {comparing ? "Hide comparison" : `Compare with v${compare.number} (${COMPARE_BASIS[compare.basis]})`}
          </Button>
        ) : (
          <span>First version: nothing to compare with.</span>
        )}
        <Button variant="ghost" className="px-2 py-1 text-xs" onClick={onZoom} title="Zoom (Z)">
          {zoom ? "Fit" : "Full size"}
        </Button>
        <span>Click a point or drag a region on the image to pin a comment.</span>
      </div>
      <div className={comparing && compare ? "grid gap-2 md:grid-cols-2" : ""} data-testid="review-images">
        {comparing && compare && (
          <figure className="rounded-lg border border-stone-200 bg-stone-100" data-testid="compare-before">
            <figcaption className="px-2 py-1 text-xs text-stone-600">
              v{compare.number} · {COMPARE_BASIS[compare.basis]}
              {compare.approvalId ? ` (${compare.approvalId})` : ""}
            </figcaption>
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img
              src={compare.previewUrl ?? compare.url}
              alt={`Version ${compare.number}`}
              className="mx-auto max-h-[52vh] object-contain"
            />
          </figure>
        )}
        <figure
          className={`rounded-lg border border-stone-200 bg-stone-100 text-center ${zoom ? "max-h-[75vh] overflow-auto" : ""}`}
        >
          {comparing && compare && (
            <figcaption className="px-2 py-1 text-left text-xs text-stone-600">
              v{item.versionNumber} · under review
            </figcaption>
          )}
          <PinnedImage
            key={item.assetId}
            assetId={item.assetId}
            versionNumber={item.versionNumber}
            src={zoom ? item.originalUrl : (item.previewUrl ?? item.originalUrl)}
            alt={item.prompt}
            className={zoom ? "max-w-none" : "max-h-[52vh] max-w-full object-contain"}
            comments={comments.data ?? []}
            active={active}
            onActive={setActive}
            onPin={setPending}
          />
        </figure>
      </div>
      {comparing && compare && (
        <p className="text-xs text-stone-600" data-testid="compare-changes">
          What changed since v{compare.number}:{" "}
          {compare.changes.length ? compare.changes.join(" → ") : "nothing recorded"}
        </p>
      )}
      <CommentPanel
        key={`${item.assetId}-${item.versionNumber}`}
        assetId={item.assetId}
        versionNumber={item.versionNumber}
        comments={comments.data ?? []}
        pending={pending}
        onCancelPin={() => setPending(null)}
        active={active}
        onActive={setActive}
      />
      {decisionBar}
      <div className="rounded-lg border border-stone-200 bg-white p-4">
        <h2 className="mb-2 text-sm font-semibold">Alt text</h2>
        <AltTextEditor key={item.assetId} assetId={item.assetId} compact />
      </div>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <div className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="mb-2 text-sm font-semibold">Automated checks</h2>
          {detail.data ? (
            <CheckPanel results={detail.data.checks.results} />
          ) : (
            <p className="text-sm text-stone-500">Loading…</p>
          )}
        </div>
        <div className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="mb-2 flex justify-between text-sm font-semibold">
            How it was made
            <Link href={`/assets/${item.assetId}`} className="font-normal text-kiln-700 hover:underline">
              Open asset page
            </Link>
          </h2>
          {detail.data && (
            <>
              <Provenance p={detail.data.provenance} upload={detail.data.upload} />
              <p className="mt-3 text-sm">
                Cost so far <strong className="tabular-nums">{formatMicros(detail.data.spentMicros)}</strong> · version{" "}
                {detail.data.version.number}
                {detail.data.reroll?.depth ? ` · re-roll ${detail.data.reroll.depth}` : ""}
              </p>
              {detail.data.review.decisions.length > 0 && (
                <p className="mt-3 text-xs text-stone-500">
                  Earlier decisions:{" "}
                  {detail.data.review.decisions
                    .map((d) => `${d.reviewer}: ${d.decision.replaceAll("_", " ")}${d.undone ? " (undone)" : ""}`)
                    .join(" · ")}
                </p>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
