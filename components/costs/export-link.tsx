import { exportHref } from "./format";

/** Downloads one table as CSV (formula-safe, audited), with the filters in force. */
export function ExportLink({
  table,
  params,
  label = "Download CSV",
}: {
  table: string;
  params: Record<string, string>;
  label?: string;
}) {
  return (
    <a
      href={exportHref(table, params)}
      download
      data-testid={`export-${table}`}
      className="inline-flex items-center whitespace-nowrap rounded-md border border-stone-300 bg-white px-3 py-1 text-sm font-medium text-stone-800 hover:bg-stone-100"
    >
      {label}
    </a>
  );
}
