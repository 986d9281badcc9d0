"use client";

import { removeTerm, tokenize } from "./query-terms";

/** Each term of the query as a chip; × removes just that term. */
export function ActiveFilters({ q, onQuery }: { q: string; onQuery: (q: string) => void }) {
  const terms = tokenize(q);
  if (terms.length === 0) return null;
  return (
    <ul className="flex flex-wrap items-center gap-1.5" aria-label="Active filters" data-testid="active-filters">
      {terms.map((t, i) => (
        <li
          key={`${t.raw}-${i}`}
          className={`inline-flex items-center gap-1 rounded-full border py-0.5 pl-2.5 pr-1 text-xs ${t.negated ? "border-red-200 bg-red-50 text-red-800" : "border-kiln-200 bg-kiln-50 text-kiln-800"}`}
          data-testid="filter-chip"
        >
          <span>
            {t.negated && "not "}
            {t.field ? (
              <>
                <span className="text-stone-500">{t.field}:</span> {t.value}
              </>
            ) : (
              <>“{t.value}”</>
            )}
          </span>
          <button
            type="button"
            onClick={() => onQuery(removeTerm(q, t.raw))}
            aria-label={`Remove ${t.raw}`}
            className="rounded-full px-1 leading-4 text-stone-500 hover:bg-white hover:text-stone-900"
          >
            ×
          </button>
        </li>
      ))}
      {terms.length > 1 && (
        <li>
          <button
            type="button"
            onClick={() => onQuery("")}
            className="px-1 text-xs font-medium text-stone-600 hover:text-stone-900 hover:underline"
          >
            Clear all
          </button>
        </li>
      )}
    </ul>
  );
}
