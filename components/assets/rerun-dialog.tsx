"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { formatDuration } from "@/components/runs/format";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatMicros } from "@/lib/costs/estimate";
import type { RerunEstimate } from "@/lib/generation/rerun-asset";

/**
 * "Rerun": the estimate first (cost, time, the versions it will use even when newer ones are
 * active, anything that stops it or makes it wait), then same seed or a new one, then Queue,
 * which lands on the new job.
 */
export function RerunDialog({ assetId }: { assetId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid="rerun-open">
        Rerun
      </Button>
      {open && <RerunPanel assetId={assetId} onClose={() => setOpen(false)} />}
    </>
  );
}

function RerunPanel({ assetId, onClose }: { assetId: string; onClose: () => void }) {
  const router = useRouter();
  const [seed, setSeed] = useState<"same" | "new">("same");
  // One key per opened dialog: a double click or a retried request queues once.
  const [key] = useState(() => `rerun-${crypto.randomUUID()}`);
  const estimate = useQuery({
    queryKey: ["rerun-estimate", assetId],
    queryFn: () => api<{ rerun: RerunEstimate }>(`/api/assets/${assetId}/rerun`).then((r) => r.rerun),
    retry: false,
  });
  const queue = useMutation({
    mutationFn: () =>
      api<{ batch: { id: string } }>(`/api/assets/${assetId}/rerun`, { json: { seed, idempotencyKey: key } }),
    onSuccess: (r) => router.push(`/jobs/${r.batch.id}`),
  });
  const e = estimate.data;
  const errorOf = (err: unknown) =>
    err instanceof RequestError ? err.message : err ? "Something went wrong; try again." : null;
  const blocked = !!e?.blocker || !!e?.budgets.refusal;
  return (
    <div
      className="fixed inset-0 z-40 flex items-center justify-center bg-black/50 p-4"
      role="presentation"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="rerun-title"
        className="w-full max-w-lg rounded-lg bg-white p-5 shadow-xl"
        onClick={(ev) => ev.stopPropagation()}
        onKeyDown={(ev) => ev.key === "Escape" && onClose()}
        data-testid="rerun-dialog"
      >
        <h2 id="rerun-title" className="text-lg font-semibold text-stone-900">
          Rerun exactly
        </h2>
        <p className="mt-1 text-sm text-stone-600">
          Queues this image again with the versions, values and size that made it. The new image links back here.
        </p>
        {estimate.isLoading && <p className="mt-4 text-sm text-stone-500">Estimating…</p>}
        {estimate.error && (
          <div className="mt-4">
            <Alert tone="error">{errorOf(estimate.error)}</Alert>
          </div>
        )}
        {e && (
          <div className="mt-4 space-y-4">
            <dl
              className="grid grid-cols-2 gap-3 rounded-md border border-stone-200 bg-stone-50 p-3"
              data-testid="rerun-estimate"
            >
              <div>
                <dt className="text-xs uppercase tracking-wide text-stone-500">Cost</dt>
                <dd className="text-lg font-semibold tabular-nums" data-testid="rerun-cost">
                  {formatMicros(e.estimate.micros)}
                </dd>
              </div>
              <div>
                <dt className="text-xs uppercase tracking-wide text-stone-500">Time</dt>
                <dd className="text-lg font-semibold tabular-nums">{formatDuration(e.estimate.seconds * 1000)}</dd>
              </div>
            </dl>
            <dl className="space-y-1 text-sm">
              <Row label="Template">{e.template}</Row>
              <Row label="Preset">
                {e.preset}
                {e.provider.isSimulator && (
                  <span className="ml-2">
                    <Badge tone="warn">simulator</Badge>
                  </span>
                )}
              </Row>
              <Row label="Size">{e.size}</Row>
              {e.campaign && <Row label="Campaign">{e.campaign}</Row>}
              {e.reference && <Row label="Reference">kept (strength {e.reference.strength})</Row>}
            </dl>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-stone-800">Seed</legend>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="rerun-seed"
                  checked={seed === "same"}
                  onChange={() => setSeed("same")}
                  data-testid="rerun-seed-same"
                />
                <span>
                  Same seed <code className="text-xs">{e.seed}</code>: the same picture, unless the endpoint changed
                </span>
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="rerun-seed"
                  checked={seed === "new"}
                  onChange={() => setSeed("new")}
                  data-testid="rerun-seed-new"
                />
                <span>New seed: a variation with everything else the same</span>
              </label>
            </fieldset>
            {e.blocker && <Alert tone="error">{e.blocker}</Alert>}
            {e.budgets.refusal && <Alert tone="error">{e.budgets.refusal}</Alert>}
            {e.warning && <Alert tone="info">{e.warning}</Alert>}
            {queue.error && <Alert tone="error">{errorOf(queue.error)}</Alert>}
          </div>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!e || blocked || queue.isPending || queue.isSuccess}
            onClick={() => queue.mutate()}
            data-testid="rerun-queue"
            autoFocus
          >
            {queue.isPending || queue.isSuccess
              ? "Queueing…"
              : `Queue rerun${e ? ` · ${formatMicros(e.estimate.micros)}` : ""}`}
          </Button>
        </div>
      </div>
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[6rem_1fr] gap-2">
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="text-stone-900">{children}</dd>
    </div>
  );
}
