import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { PerHourChart } from "@/components/costs/charts";
import { CostTabs } from "@/components/costs/cost-tabs";
import { ExportLink } from "@/components/costs/export-link";
import { FilterBar } from "@/components/costs/filter-bar";
import { count, percent } from "@/components/costs/format";
import { DeadLetterTable, ErrorTable, LatencyTable, QueueTable } from "@/components/costs/operations-tables";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getOperationsReport, type OperationsReport } from "@/lib/costs/report";
import { AppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Operations" };

function Stat({ label, value, note, id }: { label: string; value: string; note: string; id: string }) {
  return (
    <div className="rounded-lg border border-stone-200 bg-white px-4 py-3 shadow-sm">
      <div className="text-xs font-medium uppercase tracking-wide text-stone-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums text-stone-900" data-testid={`ops-stat-${id}`}>
        {value}
      </div>
      <div className="mt-0.5 text-xs text-stone-500">{note}</div>
    </div>
  );
}

export default async function OperationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageCtx("costs.operations");
  const raw = await searchParams;
  const input = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  let report: OperationsReport;
  try {
    report = await getOperationsReport({ ctx, input });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "invalid_input") throw error;
    return (
      <>
        <PageHeader title="Operations" />
        <Alert tone="error">
          {error.message}{" "}
          <Link href="/costs/operations" className="font-medium underline">
            Show the last 30 days
          </Link>
          .
        </Alert>
      </>
    );
  }
  const { params } = report;
  const finished = report.perHour.reduce((s, h) => s + h.succeeded + h.deadLettered, 0);
  const waiting = report.queue.reduce((s, q) => s + q.queued, 0);
  const running = report.queue.reduce((s, q) => s + q.running, 0);
  const options = {
    campaigns: [],
    teams: [],
    users: [],
    tiers: [],
    presets: [],
    models: [],
    providers: report.providers,
  };
  return (
    <>
      <PageHeader
        title="Costs"
        description={`Operations, ${report.filters.from} to ${report.filters.to} (UTC): how the pipeline ran and what is waiting now.`}
      />
      <CostTabs active="operations" operations />
      <div className="mb-5">
        <FilterBar params={params} options={options} fields={["providers"]} />
      </div>
      <div className="space-y-5">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          <Stat
            id="finished"
            label="Generations finished"
            value={count(finished)}
            note={`${report.filters.days} days`}
          />
          <Stat
            id="blocks"
            label="Block rate"
            value={percent(report.blocks.rate)}
            note={`${count(report.blocks.blockedPrompts)} prompts blocked, ${count(report.blocks.queuedBatches)} batches queued · ${count(report.blocks.blockedUploads)} uploads blocked`}
          />
          <Stat id="queue" label="Queue depth" value={count(waiting)} note={`${count(running)} running now`} />
          <Stat
            id="dead"
            label="Dead-lettered"
            value={count(report.deadLetters.length)}
            note="parked with a reason (newest 50)"
          />
        </div>
        <Card
          title="Generations per hour"
          description="Finished per UTC hour: succeeded and dead-lettered"
          actions={<ExportLink table="ops-hours" params={params} label="CSV" />}
        >
          <PerHourChart hours={report.perHour} />
        </Card>
        <div className="grid gap-5 lg:grid-cols-2">
          <Card
            title="Provider latency"
            description="The GPU endpoint's own time per image"
            actions={<ExportLink table="ops-latency" params={params} label="CSV" />}
          >
            <LatencyTable rows={report.latency} />
          </Card>
          <Card
            title="Error codes"
            description="Failed provider calls (ledger) and dead-lettered generations"
            actions={<ExportLink table="ops-errors" params={params} label="CSV" />}
          >
            <ErrorTable rows={report.errors} />
          </Card>
        </div>
        <Card title="Queue depth now" actions={<ExportLink table="ops-queue" params={params} label="CSV" />}>
          <QueueTable rows={report.queue} />
        </Card>
        <Card title="Dead-lettered work" actions={<ExportLink table="ops-dead-letters" params={params} label="CSV" />}>
          <DeadLetterTable rows={report.deadLetters} />
        </Card>
      </div>
    </>
  );
}
