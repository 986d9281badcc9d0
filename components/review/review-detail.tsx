"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { CheckPanel } from "@/components/assets/check-panel";
import { DownloadMenu } from "@/components/delivery/download-menu";
import { ProductMetadata } from "@/components/assets/product-metadata";
import { Provenance } from "@/components/assets/provenance";
import { AltTextEditor } from "@/components/delivery/alt-text-editor";
import { formatMicros } from "@/lib/costs/estimate";
import type { QueueItem } from "@/lib/review/queue";
import { useReviewDetail } from "./use-review";

/** The asset under review: the image (Z or a click zooms to full size), the decision controls, checks, provenance and cost. */
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
      <div className={`rounded-lg border border-stone-200 bg-stone-100 ${zoom ? "max-h-[75vh] overflow-auto" : ""}`}>
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={zoom ? item.originalUrl : (item.previewUrl ?? item.originalUrl)}
          alt={item.prompt}
          onClick={onZoom}
          className={zoom ? "max-w-none cursor-zoom-out" : "mx-auto max-h-[52vh] max-w-full cursor-zoom-in object-contain"}
        />
      </div>
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
