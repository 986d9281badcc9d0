"use client";

import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { formatDuration } from "@/components/runs/format";
import { formatMicros } from "@/lib/costs/estimate";

export type EstimateView = {
  images: number;
  micros: number;
  seconds: number;
  rows: number;
  samplePrompt: string;
  preset: { name: string; tier: string; isSimulator: boolean };
};

export function EstimatePanel({ estimate, error, loading }: { estimate?: EstimateView; error?: string; loading: boolean }) {
  if (error) return <Alert tone="error">{error}</Alert>;
  if (!estimate) return <p className="text-sm text-stone-500">{loading ? "Estimating…" : "Fill in the form to see the estimate."}</p>;
  return (
    <div className="space-y-3" data-testid="estimate">
      <dl className="grid grid-cols-3 gap-3 text-center">
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Images</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="estimate-images">
            {estimate.images.toLocaleString("en-US")}
          </dd>
        </div>
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Estimated cost</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="estimate-cost">
            {formatMicros(estimate.micros)}
          </dd>
        </div>
        <div className="rounded-md bg-stone-50 p-3">
          <dt className="text-xs text-stone-500">Estimated time</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatDuration(estimate.seconds * 1000)}</dd>
        </div>
      </dl>
      <div className="text-xs text-stone-500">
        {estimate.preset.name} <Badge tone="accent">{estimate.preset.tier}</Badge> {estimate.preset.isSimulator && <Badge tone="warn">GPU simulator</Badge>}
      </div>
      {estimate.samplePrompt && (
        <div>
          <div className="text-xs font-medium text-stone-500">Prompt sent to the GPU (first row)</div>
          <p className="mt-1 rounded-md bg-stone-50 p-2 font-mono text-xs text-stone-700">{estimate.samplePrompt}</p>
        </div>
      )}
    </div>
  );
}
