"use client";

import { BATCH_STATUS_LABEL } from "@/lib/labels";
import { useState } from "react";
import { formatDuration } from "@/components/runs/format";
import { formatMicros } from "@/lib/costs/estimate";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { BATCH_TONE } from "./batch-list";
import { EstimateVsActualPanel } from "./estimate-vs-actual";
import { CheckFilterBar, matchesCheckFilter, NO_FILTER, type CheckFilter } from "./check-filter";
import { GenerationGrid } from "./generation-grid";
import { ProgressBar } from "./progress-bar";
import { useBatch, useBatchAction } from "./use-batches";
import type { BatchDetail } from "@/lib/generation/batch-views";
import { lastFinishedAt, shouldOfferResume } from "@/lib/generation/resume-offer";
import { useConfirm } from "@/components/ui/use-confirm";

export function BatchDetailView({ id, engineUnreachable }: { id: string; engineUnreachable: boolean }) {
  const batch = useBatch(id);
  const [filter, setFilter] = useState<CheckFilter>(NO_FILTER);
  const cancel = useBatchAction(id, "cancel");
  const retry = useBatchAction(id, "retry");
  const resume = useBatchAction(id, "resume");
  const [confirm, confirmDialog] = useConfirm();
  if (batch.isError) return <Alert tone="error">{batch.error.message}</Alert>;
  if (batch.isPending) return <p className="mt-6 text-sm text-stone-500">Loading…</p>;
  const b = batch.data;
  const live = b.status === "queued" || b.status === "running";
  // The page polls while the batch is live, so this is re-judged every few seconds.
  const offerResume = shouldOfferResume({
    status: b.status,
    counts: b.counts,
    waiting: b.waiting,
    engineUnreachable,
    createdAt: b.createdAt,
    lastFinishedAt: lastFinishedAt(b.rows),
    // eslint-disable-next-line react-hooks/purity -- re-judged at each poll's render on purpose (comment above)
    now: Date.now(),
  });
  const actionError =
    [cancel, retry, resume].find((m) => m.error)?.error?.message ??
    (resume.data?.started === false ? resume.data.message : undefined);
  return (
    <>
      {confirmDialog}
      <PageHeader
        title={b.name}
        description={`${b.owner} · queued ${new Date(b.createdAt).toLocaleString()}${b.campaign ? ` · campaign ${b.campaign}` : ""}`}
        actions={
          <div className="flex items-center gap-2">
            <Badge tone={BATCH_TONE[b.status]}>{BATCH_STATUS_LABEL[b.status]}</Badge>
            {b.counts.dead_lettered > 0 && b.status !== "cancelled" && (
              <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({})}>
                Retry {b.counts.dead_lettered} failed
              </Button>
            )}
            {live && (
              <>
                {offerResume && (
                  <Button
                    variant="secondary"
                    disabled={resume.isPending}
                    onClick={() => resume.mutate({})}
                    title="Nothing has moved for a minute: hand the batch to the background engine again (nothing runs twice)"
                  >
                    Resume
                  </Button>
                )}
                <Button
                  variant="danger"
                  disabled={cancel.isPending}
                  onClick={async () => {
                    const ok = await confirm({
                      title: "Cancel this batch?",
                      body: "Images already made are kept; nothing further is generated.",
                      confirmLabel: "Cancel batch",
                      tone: "danger",
                    });
                    if (ok) cancel.mutate({});
                  }}
                >
                  Cancel batch
                </Button>
              </>
            )}
          </div>
        }
      />
      {engineUnreachable && live && b.counts.succeeded === 0 && (
        <Alert tone="error">
          The batch is saved, but the background engine did not answer. Press Resume once it is running; nothing is
          lost.
        </Alert>
      )}
      {actionError && <Alert tone="error">{actionError}</Alert>}
      {b.waiting && live && (
        <div data-testid="batch-waiting">
          <Alert tone="info">
            Waiting: {b.waiting}. Queued images are not run and not dropped; {b.waitingHint}.
          </Alert>
        </div>
      )}
      {b.moves.length > 0 && <MovedList moves={b.moves} />}
      {b.skipped.count > 0 && <SkippedRows batchId={b.id} skipped={b.skipped} />}
      <div className="my-6 rounded-lg border border-stone-200 bg-white p-5 shadow-sm">
        <ProgressBar counts={b.counts} total={b.total} />
        <CheckOutcomes rows={b.rows} />
        <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <Stat label="Images per minute" value={b.imagesPerMinute ? b.imagesPerMinute.toFixed(1) : "—"} />
          <Stat
            label="Time left"
            value={live ? (b.etaSeconds !== null ? `~${formatDuration(b.etaSeconds * 1000)}` : "measuring…") : "—"}
          />
          <Stat label="Spent so far" value={formatMicros(b.spentMicros)} testId="batch-spent" />
          <Stat
            label="Estimated"
            value={`${formatMicros(b.estimateMicros)} · ${formatDuration(b.estimateSeconds * 1000)}`}
          />
        </dl>
        <EstimateVsActualPanel costs={b.costs} live={live} />
      </div>
      <CheckFilterBar rows={b.rows} value={filter} onChange={setFilter} />
      {b.rows.some((r) => matchesCheckFilter(r, filter)) ? (
        <GenerationGrid
          rows={b.rows.filter((r) => matchesCheckFilter(r, filter))}
          onRetry={(generationId) => retry.mutate({ generationId })}
          canRetry={b.status !== "cancelled"}
        />
      ) : (
        <p className="rounded-lg border border-dashed border-stone-300 p-6 text-center text-sm text-stone-500">
          No image matches this filter.
        </p>
      )}
    </>
  );
}

/** CSV rows that were not queued, one line per reason, and the error CSV to fix them in. */
function SkippedRows({ batchId, skipped }: { batchId: string; skipped: BatchDetail["skipped"] }) {
  return (
    <div
      className="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
      data-testid="batch-skipped"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium" data-testid="batch-skipped-count">
          {skipped.count.toLocaleString("en-US")} row{skipped.count === 1 ? " was" : "s were"} not queued
        </p>
        <a
          href={`/api/batches/${batchId}/skipped-rows`}
          download
          className="rounded-md border border-amber-300 bg-white px-2.5 py-1 text-xs font-medium text-amber-900 hover:bg-amber-100"
          data-testid="batch-skipped-download"
        >
          Download error CSV
        </a>
      </div>
      <ul className="mt-2 space-y-0.5">
        {skipped.groups.map((g) => (
          <li key={g.message} data-testid="batch-skipped-group">
            <span className="font-medium tabular-nums">
              {g.rows === 1 ? `Line ${g.lines}` : `${g.rows.toLocaleString("en-US")} rows (lines ${g.lines})`}:
            </span>{" "}
            {g.message}
          </li>
        ))}
      </ul>
      {skipped.kept < skipped.count && (
        <p className="mt-1 text-xs">
          The first {skipped.kept.toLocaleString("en-US")} are kept with the job and in the error CSV.
        </p>
      )}
    </div>
  );
}

/** Generations that left their endpoint: failover from an unhealthy one, or an admin's move. */
function MovedList({ moves }: { moves: BatchDetail["moves"] }) {
  return (
    <div className="mt-4 rounded-lg border border-sky-200 bg-sky-50 p-4 text-sm text-sky-900" data-testid="batch-moves">
      <p className="font-medium">Moved to another GPU endpoint</p>
      <ul className="mt-1 space-y-0.5">
        {moves.map((m) => (
          <li key={`${m.generationIds[0]}-${m.movedAt}`}>
            {m.count} image{m.count === 1 ? "" : "s"} {m.text} at {new Date(m.movedAt).toLocaleString()}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="mt-1 font-medium tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** What the automated checks made of the images so far: approved, to review, rejected, re-rolled. */
function CheckOutcomes({ rows }: { rows: BatchDetail["rows"] }) {
  const by = (status: string) => rows.filter((r) => r.check?.status === status).length;
  const rerolls = rows.filter((r) => r.rerollDepth > 0).length;
  const checking = rows.filter((r) => r.status === "succeeded" && (!r.check || r.check.status === "checking")).length;
  if (!rows.some((r) => r.status === "succeeded")) return null;
  return (
    <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-stone-500" data-testid="asset-counts">
      <span>Checks:</span>
      <span>{checking} checking</span>
      <span className="text-emerald-700">{by("approved")} approved</span>
      <span className="text-amber-700">{by("in_review")} in review</span>
      <span className={by("rejected") ? "text-red-700" : ""}>{by("rejected")} rejected</span>
      <span>{rerolls} re-rolled</span>
    </p>
  );
}
