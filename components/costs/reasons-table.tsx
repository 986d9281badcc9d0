"use client";

import type { RejectReasonRow } from "@/lib/costs/report/reasons";
import { DataTable, type Column } from "./data-table";
import { count, money } from "./format";

const COLUMNS: Column<RejectReasonRow>[] = [
  {
    id: "label",
    header: "Reason",
    value: (r) => r.label,
    cell: (r) => <span className="font-medium text-stone-900">{r.label}</span>,
  },
  { id: "assets", header: "Assets", numeric: true, value: (r) => r.assets, cell: (r) => count(r.assets) },
  {
    id: "reviewer",
    header: "By a reviewer",
    numeric: true,
    value: (r) => r.byReviewer,
    cell: (r) => count(r.byReviewer),
    title: "The rest were rejected by the automated checks",
  },
  {
    id: "cost",
    header: "Cost of the rejected images",
    numeric: true,
    value: (r) => r.micros,
    cell: (r) => money(r.micros),
  },
];

export function ReasonsTable({ rows }: { rows: RejectReasonRow[] }) {
  if (rows.length === 0)
    return (
      <p className="py-6 text-center text-sm text-stone-500">
        No asset was rejected in this range. Rejections by the checks or by reviewers show here with what they cost.
      </p>
    );
  return (
    <DataTable
      rows={rows}
      columns={COLUMNS}
      rowKey={(r) => r.code}
      initialSort={[{ id: "assets", desc: true }]}
      testId="reject-reasons-table"
    />
  );
}
