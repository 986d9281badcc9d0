"use client";

import type { CostGroupRow } from "@/lib/costs/report/groups";
import { DataTable, type Column } from "./data-table";
import { count, money, percent, unitMoney } from "./format";

const COLUMNS: Column<CostGroupRow>[] = [
  {
    id: "label",
    header: "Group",
    value: (r) => r.label,
    cell: (r) => (
      <span className={r.key.startsWith("~") ? "text-stone-500 italic" : "font-medium text-stone-900"}>{r.label}</span>
    ),
  },
  { id: "spend", header: "Spend", numeric: true, value: (r) => r.spendMicros, cell: (r) => money(r.spendMicros) },
  { id: "calls", header: "Calls", numeric: true, value: (r) => r.calls, cell: (r) => count(r.calls) },
  { id: "approved", header: "Approved", numeric: true, value: (r) => r.approved, cell: (r) => count(r.approved) },
  { id: "rejected", header: "Rejected", numeric: true, value: (r) => r.rejected, cell: (r) => count(r.rejected) },
  {
    id: "cpu",
    header: "Cost / usable",
    numeric: true,
    title: "Spend on the group's lineages ÷ assets approved in the range",
    value: (r) => r.costPerUsableMicros,
    cell: (r) => <span className="font-semibold text-stone-900">{unitMoney(r.costPerUsableMicros)}</span>,
  },
  {
    id: "reject",
    header: "Reject rate",
    numeric: true,
    value: (r) => r.rejectRate,
    cell: (r) => percent(r.rejectRate),
  },
  { id: "retry", header: "Retry rate", numeric: true, value: (r) => r.retryRate, cell: (r) => percent(r.retryRate) },
];

export function GroupTable({ rows, dimension }: { rows: CostGroupRow[]; dimension: string }) {
  if (rows.length === 0)
    return (
      <p className="py-6 text-center text-sm text-stone-500">
        Nothing was spent or decided in this range for these filters.
      </p>
    );
  return (
    <DataTable
      key={dimension}
      rows={rows}
      columns={COLUMNS}
      rowKey={(r) => r.key}
      initialSort={[{ id: "spend", desc: true }]}
      testId="cost-group-table"
    />
  );
}
