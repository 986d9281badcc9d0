import type { ReactNode } from "react";

/** The console's table: a header row of labels, then the caller's rows. */
export function Table({
  columns,
  children,
}: {
  columns: (string | { label: string; srOnly?: boolean })[];
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-stone-200 text-xs uppercase tracking-wide text-stone-500">
          <tr>
            {columns.map((c) => {
              const col = typeof c === "string" ? { label: c } : c;
              return (
                <th key={col.label} className="py-2 pr-3 font-medium">
                  {col.srOnly ? <span className="sr-only">{col.label}</span> : col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100 align-top">{children}</tbody>
      </table>
    </div>
  );
}
