import type { SchemaRow } from "@/lib/api-reference/schema-rows";
import { RichText } from "./rich-text";

/** An object's fields as a tree: nested objects indent under their field. */
export function SchemaTable({ rows }: { rows: SchemaRow[] }) {
  if (!rows.length) return null;
  return (
    <ul className="divide-y divide-stone-100 rounded-md border border-stone-200 bg-white text-sm">
      {rows.map((row) => (
        <SchemaField key={row.name} row={row} />
      ))}
    </ul>
  );
}

function SchemaField({ row }: { row: SchemaRow }) {
  return (
    <li className="px-3 py-2">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <code className="font-mono text-xs font-semibold text-stone-900">{row.name}</code>
        <span className="font-mono text-xs text-stone-500">{row.type}</span>
        {row.required ? (
          <span className="text-xs font-medium text-amber-700">required</span>
        ) : (
          <span className="text-xs text-stone-500">optional</span>
        )}
      </div>
      {row.description && <RichText text={row.description} className="mt-0.5 text-stone-600" />}
      {row.constraints.length > 0 && <p className="mt-0.5 text-xs text-stone-500">{row.constraints.join(" · ")}</p>}
      {row.children.length > 0 && (
        <div className="mt-2 border-l-2 border-stone-200 pl-3">
          <SchemaTable rows={row.children} />
        </div>
      )}
    </li>
  );
}
