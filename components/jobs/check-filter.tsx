"use client";

import type { GenerationRow } from "@/lib/generation/batch-views";

export type CheckFilter = { outcome: "" | "pass" | "warn" | "fail" | "pending"; checkId: string };

export const NO_FILTER: CheckFilter = { outcome: "", checkId: "" };

/** Does a tile match? With a check chosen, the outcome is that check's; otherwise the asset's overall verdict. */
export function matchesCheckFilter(row: GenerationRow, f: CheckFilter): boolean {
  if (!f.outcome && !f.checkId) return true;
  if (f.outcome === "pending") return !row.check || row.check.status === "checking";
  if (f.checkId) {
    const badge = row.check?.checks.find((c) => c.checkId === f.checkId);
    return !!badge && (!f.outcome || badge.verdict === f.outcome);
  }
  return row.check?.verdict === f.outcome;
}

/** Outcome and check pickers above the grid, with how many tiles each choice shows. */
export function CheckFilterBar({
  rows,
  value,
  onChange,
}: {
  rows: GenerationRow[];
  value: CheckFilter;
  onChange: (f: CheckFilter) => void;
}) {
  const checkIds = [...new Set(rows.flatMap((r) => r.check?.checks.map((c) => c.checkId) ?? []))].sort();
  const shown = rows.filter((r) => matchesCheckFilter(r, value)).length;
  const select = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm";
  return (
    <div className="mb-3 flex flex-wrap items-center gap-3 text-sm" data-testid="check-filter">
      <label className="flex items-center gap-2">
        <span className="text-stone-600">Check outcome</span>
        <select
          aria-label="Check outcome"
          className={select}
          value={value.outcome}
          onChange={(e) => onChange({ ...value, outcome: e.target.value as CheckFilter["outcome"] })}
        >
          <option value="">Any</option>
          <option value="pass">Passed</option>
          <option value="warn">Warning (to a person)</option>
          <option value="fail">Failed (rejected)</option>
          <option value="pending">Not checked yet</option>
        </select>
      </label>
      <label className="flex items-center gap-2">
        <span className="text-stone-600">Check</span>
        <select
          aria-label="Check"
          className={select}
          value={value.checkId}
          onChange={(e) => onChange({ ...value, checkId: e.target.value })}
        >
          <option value="">All checks</option>
          {checkIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <span className="text-stone-500" data-testid="check-filter-count">
        {shown} of {rows.length} shown
      </span>
      {(value.outcome || value.checkId) && (
        <button type="button" className="text-kiln-700 hover:underline" onClick={() => onChange(NO_FILTER)}>
          Clear
        </button>
      )}
    </div>
  );
}
