import type { ReactNode } from "react";

/** Label/value rows as the asset page's provenance cards show them. */
export function FactList({ items, testId }: { items: [string, ReactNode][]; testId: string }) {
  return (
    <dl className="space-y-2 text-sm" data-testid={testId}>
      {items.map(([label, value]) => (
        <div key={label} className="grid grid-cols-[8rem_1fr] gap-3">
          <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
          <dd className="break-words text-stone-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
