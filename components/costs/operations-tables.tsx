"use client";

import Link from "@/components/ui/link";
import type { DeadLetter, ErrorCount, ProviderLatency, QueueDepth } from "@/lib/costs/report/operations";
import { DataTable, type Column } from "./data-table";
import { count } from "./format";

const ms = (v: number | null) => (v === null ? "—" : `${count(v)} ms`);

const LATENCY: Column<ProviderLatency>[] = [
  { id: "provider", header: "GPU endpoint", value: (r) => r.provider },
  { id: "n", header: "Generations", numeric: true, value: (r) => r.generations, cell: (r) => count(r.generations) },
  { id: "p50", header: "p50", numeric: true, value: (r) => r.p50Ms, cell: (r) => ms(r.p50Ms) },
  { id: "p95", header: "p95", numeric: true, value: (r) => r.p95Ms, cell: (r) => ms(r.p95Ms) },
];
const ERRORS: Column<ErrorCount>[] = [
  { id: "source", header: "Where", value: (r) => r.source },
  {
    id: "code",
    header: "Code",
    value: (r) => r.code,
    cell: (r) => <span className="font-mono text-xs">{r.code}</span>,
  },
  { id: "count", header: "Count", numeric: true, value: (r) => r.count, cell: (r) => count(r.count) },
];
const QUEUE: Column<QueueDepth>[] = [
  { id: "provider", header: "GPU endpoint", value: (r) => r.provider },
  { id: "queued", header: "Queued", numeric: true, value: (r) => r.queued, cell: (r) => count(r.queued) },
  { id: "running", header: "Running", numeric: true, value: (r) => r.running, cell: (r) => count(r.running) },
  {
    id: "oldest",
    header: "Oldest queued",
    value: (r) => r.oldestQueuedAt,
    cell: (r) => (r.oldestQueuedAt ? new Date(r.oldestQueuedAt).toLocaleString() : "—"),
  },
];
const DEAD: Column<DeadLetter>[] = [
  {
    id: "at",
    header: "When",
    value: (r) => r.at,
    cell: (r) => <span className="whitespace-nowrap">{new Date(r.at).toLocaleString()}</span>,
  },
  {
    id: "batch",
    header: "Batch",
    value: (r) => r.batchName,
    cell: (r) => (
      <Link href={`/jobs/${r.batchId}`} className="font-medium text-kiln-700 hover:underline">
        {r.batchName}
      </Link>
    ),
  },
  { id: "campaign", header: "Campaign", value: (r) => r.campaign },
  { id: "owner", header: "Owner", value: (r) => r.owner },
  {
    id: "code",
    header: "Reason",
    value: (r) => r.code,
    cell: (r) => <span className="font-mono text-xs">{r.code ?? "—"}</span>,
  },
  {
    id: "message",
    header: "Message",
    value: (r) => r.message,
    cell: (r) => <span className="text-stone-600">{r.message ?? "—"}</span>,
  },
];

const none = (what: string) => <p className="py-4 text-center text-sm text-stone-500">{what}</p>;

export function LatencyTable({ rows }: { rows: ProviderLatency[] }) {
  return rows.length ? (
    <DataTable rows={rows} columns={LATENCY} rowKey={(r) => r.providerId ?? r.provider} testId="ops-latency" />
  ) : (
    none("No generation succeeded in this range.")
  );
}
export function ErrorTable({ rows }: { rows: ErrorCount[] }) {
  return rows.length ? (
    <DataTable
      rows={rows}
      columns={ERRORS}
      rowKey={(r) => `${r.source}:${r.code}`}
      initialSort={[{ id: "count", desc: true }]}
      testId="ops-errors"
    />
  ) : (
    none("No failed provider call and nothing dead-lettered in this range.")
  );
}
export function QueueTable({ rows }: { rows: QueueDepth[] }) {
  return rows.length ? (
    <DataTable rows={rows} columns={QUEUE} rowKey={(r) => r.provider} testId="ops-queue" />
  ) : (
    none("Nothing is waiting: every queued generation has run.")
  );
}
export function DeadLetterTable({ rows }: { rows: DeadLetter[] }) {
  return rows.length ? (
    <DataTable rows={rows} columns={DEAD} rowKey={(r) => r.generationId} testId="ops-dead-letters" />
  ) : (
    none(
      "No work was parked in this range. Dead-lettered generations show here with their reason; re-run them from their batch on the Jobs page.",
    )
  );
}
