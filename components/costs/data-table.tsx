"use client";

import { useState, type ReactNode } from "react";
import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});

export type Column<T> = {
  id: string;
  header: string;
  /** What the column sorts by (numbers sort as numbers; null sorts last). */
  value: (row: T) => string | number | null;
  cell?: (row: T) => ReactNode;
  numeric?: boolean;
  title?: string;
};

/** A sortable table (TanStack Table): click a header to sort, again to reverse. */
export function DataTable<T extends RowData>({
  rows,
  columns,
  initialSort,
  testId,
  rowKey,
}: {
  rows: T[];
  columns: Column<T>[];
  initialSort?: SortingState;
  testId?: string;
  rowKey: (row: T) => string;
}) {
  const [sorting, setSorting] = useState<SortingState>(initialSort ?? []);
  const [helper] = useState(() => createColumnHelper<typeof features, T>());
  const [defs] = useState(() =>
    helper.columns(
      columns.map((c) =>
        helper.accessor((row: T) => c.value(row) ?? undefined, {
          id: c.id,
          header: c.header,
          sortUndefined: "last",
          sortFn: c.numeric ? undefined : "alphanumeric",
          cell: (info) => (c.cell ? c.cell(info.row.original) : String(c.value(info.row.original) ?? "—")),
        }),
      ),
    ),
  );
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (row: T) => rowKey(row),
  });
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="border-b border-stone-200 text-xs uppercase tracking-wide text-stone-500">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const col = columns.find((c) => c.id === header.column.id)!;
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    className={`py-2 pr-3 font-medium ${col.numeric ? "text-right" : ""}`}
                    title={col.title}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                  >
                    <button
                      type="button"
                      onClick={header.column.getToggleSortingHandler()}
                      className="inline-flex items-center gap-1 uppercase hover:text-stone-800"
                    >
                      {col.header}
                      <span aria-hidden className="text-stone-500">
                        {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-stone-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getAllCells().map((cell) => {
                const col = columns.find((c) => c.id === cell.column.id)!;
                return (
                  <td key={cell.id} className={`py-2 pr-3 ${col.numeric ? "text-right tabular-nums" : ""}`}>
                    <table.FlexRender cell={cell} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
