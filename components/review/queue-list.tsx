"use client";

import type { QueueItem } from "@/lib/review/queue";

export function formatAge(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** The queue, oldest first: thumbnail, age against the SLA, warnings, approvals so far; a checkbox for bulk approval. */
export function QueueList({
  items,
  current,
  selected,
  onOpen,
  onToggle,
}: {
  items: QueueItem[];
  current: string | null;
  selected: Set<string>;
  onOpen: (id: string) => void;
  onToggle: (id: string) => void;
}) {
  return (
    <ul className="space-y-1" data-testid="review-queue">
      {items.map((item) => {
        const warnings = item.checks.filter((c) => c.verdict !== "pass");
        return (
          <li
            key={item.assetId}
            data-testid="review-item"
            data-asset-id={item.assetId}
            aria-current={item.assetId === current ? "true" : undefined}
            className={`flex cursor-pointer gap-2 rounded-md border p-1.5 text-xs ${item.assetId === current ? "border-kiln-500 bg-kiln-50" : "border-transparent hover:bg-stone-100"}`}
            onClick={() => onOpen(item.assetId)}
          >
            <input
              type="checkbox"
              aria-label="Select for bulk approval"
              checked={selected.has(item.assetId)}
              onClick={(e) => e.stopPropagation()}
              onChange={() => onToggle(item.assetId)}
              className="mt-1"
            />
            {item.thumbUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- a guarded /api/blobs thumbnail, already sized; next/image's optimiser would fetch it without the session
              <img src={item.thumbUrl} alt="" className="h-12 w-12 rounded object-cover" />
            ) : (
              <div className="h-12 w-12 rounded bg-stone-200" />
            )}
            <div className="min-w-0 flex-1">
              <div className="truncate font-medium text-stone-800" title={item.title} data-testid="review-item-title">
                {item.title}
              </div>
              <div className="flex justify-between gap-1">
                <span className="truncate text-stone-700">{item.designer}</span>
                <span
                  className={item.overSla ? "font-semibold text-red-700" : "text-stone-500"}
                  title={`Waiting since ${new Date(item.enteredReviewAt).toLocaleString()}`}
                >
                  {formatAge(item.ageMinutes)}
                </span>
              </div>
              <div className="text-stone-500">
                {item.tier}
                {item.campaign ? ` · ${item.campaign}` : ""}
                {item.approvalsNeeded > 1 ? ` · ${item.approvals}/${item.approvalsNeeded} approvals` : ""}
                {item.claim ? (
                  <span data-testid="claimed-by">
                    {" "}
                    · claimed by {item.claim.mine ? "you" : item.claim.by} until{" "}
                    {new Date(item.claim.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                  </span>
                ) : (
                  ""
                )}
              </div>
              {warnings.length > 0 && (
                <div className="truncate text-amber-700">! {warnings.map((w) => w.checkId).join(", ")}</div>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
