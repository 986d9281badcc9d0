import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { AutoRefresh } from "@/components/runs/auto-refresh";
import { STATUS_TONE, formatDuration, formatTime } from "@/components/runs/format";
import { JsonBlock } from "@/components/runs/json-block";
import { RunActions } from "@/components/runs/run-actions";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getRunForAdmin } from "@/lib/runs/runs";
import { notFoundOnAppError } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageCtx("runs.manage");
  const { id } = await params;
  const run = await notFoundOnAppError(getRunForAdmin({ ctx, input: { runId: decodeURIComponent(id) } }));
  const live = run.status === "running" || run.status === "queued";
  return (
    <>
      <Link href="/admin/runs" className="text-sm text-stone-500 hover:text-stone-800">
        ← All runs
      </Link>
      <PageHeader
        title={run.functionName}
        description={
          <span className="font-mono text-xs">
            run {run.id}
            {run.replayOf && (
              <>
                {" "}
                · replay of{" "}
                <Link
                  className="text-kiln-700 hover:underline"
                  href={`/admin/runs/${encodeURIComponent(run.replayOf)}`}
                >
                  {run.replayOf}
                </Link>
              </>
            )}
          </span>
        }
        actions={<RunActions runId={run.id} status={run.status} />}
      />
      {live && <AutoRefresh everyMs={1500} />}
      <div className="mb-6 grid gap-4 sm:grid-cols-4">
        {[
          [
            "Status",
            <Badge key="s" tone={STATUS_TONE[run.status]}>
              {run.status}
            </Badge>,
          ],
          ["Started", formatTime(run.startedAt)],
          ["Duration", formatDuration(run.durationMs)],
          ["Attempts", String(run.attempts)],
        ].map(([label, value]) => (
          <div key={String(label)} className="rounded-lg border border-stone-200 bg-white px-4 py-3">
            <div className="text-xs uppercase tracking-wide text-stone-500">{label}</div>
            <div className="mt-1 text-sm font-medium" data-testid={`run-${String(label).toLowerCase()}`}>
              {value}
            </div>
          </div>
        ))}
      </div>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem] [&>*]:min-w-0">
        <Card title="Steps">
          {run.steps.length === 0 ? (
            <p className="text-sm text-stone-500">No steps yet.</p>
          ) : (
            <ol className="space-y-3">
              {run.steps.map((s, i) => (
                <li key={`${s.id}-${i}`} className="rounded-md border border-stone-200 p-3" data-testid="run-step">
                  <div className="flex items-center justify-between gap-3 text-sm">
                    <span className="font-medium">{s.name ?? s.id}</span>
                    <span className="flex items-center gap-2 text-xs text-stone-500">
                      <span className="font-mono">{s.op}</span>
                      {s.attempts > 1 && <span>{s.attempts} attempts</span>}
                      <span className="tabular-nums">{formatDuration(s.durationMs)}</span>
                      <Badge tone={s.status === "completed" ? "good" : s.status === "failed" ? "bad" : "warn"}>
                        {s.status}
                      </Badge>
                    </span>
                  </div>
                  {s.error != null && <JsonBlock value={s.error} tone="error" />}
                  {s.output != null && <JsonBlock value={s.output} />}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <div className="space-y-6">
          {run.error != null && (
            <Card title="Error">
              <JsonBlock value={run.error} tone="error" />
            </Card>
          )}
          {run.output != null && (
            <Card title="Output">
              <JsonBlock value={run.output} />
            </Card>
          )}
          <Card title={`Event ${run.eventName}`}>
            <JsonBlock value={run.event} />
          </Card>
        </div>
      </div>
    </>
  );
}
