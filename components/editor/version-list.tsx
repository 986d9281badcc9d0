"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { EditorView } from "@/lib/editing/editor-view";
import { formatMicros } from "@/lib/costs/estimate";
import { EDIT_OPERATION_LABEL, reasonLabel, VERDICT_LABEL } from "@/lib/labels";

type Version = EditorView["versions"][number];

export function operationLabel(v: Pick<Version, "operation" | "params" | "parentNumber">): string {
  const base = EDIT_OPERATION_LABEL[v.operation] ?? v.operation;
  if (v.operation === "upscale" && v.params.scale) return `${base} ${String(v.params.scale)}×`;
  if (v.operation === "restore" && v.parentNumber) return `${base} of v${v.parentNumber}`;
  if (
    v.operation === "remove_background" &&
    typeof v.params.background === "string" &&
    v.params.background !== "transparent"
  )
    return `${base} (on ${v.params.background})`;
  return base;
}

function ChecksBadge({ checks }: { checks: Version["checks"] }) {
  if (!checks) return <Badge>no checks</Badge>;
  if (checks.status === "running") return <Badge tone="accent">checking…</Badge>;
  const tone = checks.verdict === "pass" ? "good" : checks.verdict === "warn" ? "warn" : "bad";
  return (
    <Badge tone={tone}>
      {checks.verdict === "pass"
        ? "checks passed"
        : `${checks.verdict ? VERDICT_LABEL[checks.verdict] : ""}${checks.reasonCode ? `: ${reasonLabel(checks.reasonCode)}` : ""}`}
    </Badge>
  );
}

/**
 * Every version, newest first: who did what, when, with which engine, at what cost, and what the checks
 * said. Outside draft work a new version stays with the designer until they send it (any version) to
 * review (decision 0028); the current version is the one in review or delivered.
 */
export function VersionList({
  versions,
  selected,
  asset,
  canEdit,
  busy,
  onShow,
  onRestore,
  onSendToReview,
}: {
  versions: Version[];
  selected: number;
  asset: Pick<EditorView["asset"], "status" | "tier">;
  canEdit: boolean;
  busy: boolean;
  onShow(n: number): void;
  onRestore(n: number): void;
  onSendToReview(n: number): void;
}) {
  const currentNumber = versions.find((v) => v.current)?.number ?? 0;
  return (
    <ol className="divide-y divide-stone-100" data-testid="version-list">
      {versions.map((v) => (
        <li
          key={v.id}
          data-testid="version-item"
          data-version={v.number}
          className={`flex gap-3 py-3 ${v.number === selected ? "bg-kiln-50/60" : ""}`}
        >
          <button
            type="button"
            onClick={() => onShow(v.number)}
            className="shrink-0"
            title={`Show version ${v.number}`}
          >
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img
              src={v.thumbUrl ?? v.url}
              alt={`Version ${v.number}`}
              className={`h-16 w-16 rounded border border-stone-200 object-cover ${v.hasAlpha === false ? "bg-stone-100" : "checkerboard"}`}
            />
          </button>
          <div className="min-w-0 flex-1 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-semibold">v{v.number}</span>
              <span data-testid="version-operation">{operationLabel(v)}</span>
              {v.current && (
                <Badge tone="accent">
                  current
                  {asset.status === "approved" ? " · approved" : asset.status === "in_review" ? " · in review" : ""}
                </Badge>
              )}
              {!v.current && asset.tier !== "draft" && v.number > currentNumber && <Badge>with you</Badge>}
              <ChecksBadge checks={v.checks} />
            </div>
            <p className="text-xs text-stone-500">
              {v.by} · {new Date(v.at).toLocaleString()} · {v.width}×{v.height}
            </p>
            <p className="text-xs text-stone-500">
              {v.engineLabel ? <span data-testid="version-engine">{v.engineLabel}</span> : "original"} ·{" "}
              <span data-testid="version-cost">{formatMicros(v.costMicros)}</span>
            </p>
            {canEdit && (
              <div className="mt-1.5 flex flex-wrap gap-2">
                {v.number !== selected && (
                  <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => onShow(v.number)}>
                    Show
                  </Button>
                )}
                {!v.current && asset.tier === "draft" && (
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    disabled={busy}
                    onClick={() => onRestore(v.number)}
                  >
                    Restore as new version
                  </Button>
                )}
                {asset.tier !== "draft" && (
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    disabled={busy || !!v.sendToReviewBlocked}
                    title={v.sendToReviewBlocked ?? `Ask a reviewer to look at version ${v.number}`}
                    onClick={() => onSendToReview(v.number)}
                    data-testid="send-to-review"
                  >
                    Send v{v.number} to review
                  </Button>
                )}
              </div>
            )}
            {canEdit && asset.tier !== "draft" && v.sendToReviewBlocked && (
              <p className="mt-1 text-xs text-stone-500">{v.sendToReviewBlocked}</p>
            )}
            {canEdit && !v.current && !v.sendToReviewBlocked && asset.status === "approved" && (
              <p className="mt-1 text-xs text-amber-700" data-testid="withdraws-approval">
                Sending it replaces the approved v{currentNumber}: the library stops delivering v{currentNumber} until
                this version is approved.
              </p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
