"use client";

import { useEffect, useRef, useState } from "react";
import { addQueryToken, hasQueryToken, removeQueryToken } from "@/lib/library/query-grammar";
import { rangeValue, setTerm, splitRange, termValue } from "./query-terms";
import type { FacetGroup, FacetValue } from "./types";
import type { FacetsView } from "./use-library";

type Props = {
  q: string;
  facets: FacetsView | undefined;
  loading: boolean;
  onQuery: (q: string) => void;
};

const SHOWN = 6;

/** Facets with counts for the current query; a click toggles the value's term in the query. */
export function FacetSidebar({ q, facets, loading, onQuery }: Props) {
  return (
    <div className="space-y-5" data-testid="facets" aria-busy={loading || undefined}>
      <RangeFilter label="Created" field="created" type="date" q={q} onQuery={onQuery} />
      <RangeFilter label="Approved" field="approved" type="date" q={q} onQuery={onQuery} />
      <RangeFilter label="Cost ($)" field="cost" type="number" q={q} onQuery={onQuery} />
      {facets === undefined && loading && <FacetSkeleton />}
      {facets?.sampleRows && (
        <p className="text-xs text-stone-500" data-testid="facets-sampled">
          Counts from the newest {facets.sampleRows.toLocaleString("en-US")} matches; narrow the search for exact
          figures.
        </p>
      )}
      {facets?.groups
        .filter((g) => g.values.length > 0)
        .map((g) => (
          <Facet key={g.field} group={g} q={q} onQuery={onQuery} />
        ))}
    </div>
  );
}

function Facet({ group, q, onQuery }: { group: FacetGroup; q: string; onQuery: (q: string) => void }) {
  const [all, setAll] = useState(false);
  // Active values stay visible even when they fall outside the first few (a picked version keeps its preset).
  const picked = (v: FacetValue) => hasQueryToken(q, v.token) || !!v.versions?.some((x) => hasQueryToken(q, x.token));
  const values = all ? group.values : group.values.filter((v, i) => i < SHOWN || picked(v));
  return (
    <fieldset data-facet={group.field} className="min-w-0">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-stone-500">{group.label}</legend>
      <ul className="space-y-0.5">
        {values.map((v) => (
          <FacetEntry key={v.value} field={group.field} value={v} q={q} onQuery={onQuery} />
        ))}
      </ul>
      {group.values.length > SHOWN && (
        <button
          type="button"
          onClick={() => setAll((a) => !a)}
          className="mt-1 px-2 text-xs font-medium text-kiln-700 hover:underline"
        >
          {all ? "Show fewer" : `Show all ${group.values.length}`}
        </button>
      )}
    </fieldset>
  );
}

/** One value; a preset or template also opens to its versions (counted in the same request, so opening costs nothing). */
function FacetEntry({
  field,
  value: v,
  q,
  onQuery,
  nested = false,
}: {
  field: string;
  value: FacetValue;
  q: string;
  onQuery: (q: string) => void;
  nested?: boolean;
}) {
  const versionPicked = !!v.versions?.some((x) => hasQueryToken(q, x.token));
  const [open, setOpen] = useState(versionPicked);
  useEffect(() => {
    if (versionPicked) setOpen(true);
  }, [versionPicked]);
  // Compared by meaning (status:Approved is status:approved), by the grammar itself.
  const active = hasQueryToken(q, v.token);
  const hasVersions = !nested && !!v.versions?.length;
  return (
    <li>
      <div className="flex items-center gap-0.5">
        <button
          type="button"
          aria-pressed={active}
          onClick={() => onQuery(active ? removeQueryToken(q, v.token) : addQueryToken(q, v.token))}
          className={`flex min-w-0 flex-1 items-center justify-between gap-2 rounded px-2 py-1 text-left text-sm ${active ? "bg-kiln-50 font-medium text-kiln-800" : "text-stone-700 hover:bg-stone-100"}`}
          data-testid="facet-value"
          data-field={field}
          data-value={v.value}
          title={v.token}
        >
          <span className="flex min-w-0 items-center gap-2">
            <span
              aria-hidden
              className={`h-3.5 w-3.5 shrink-0 rounded-sm border ${active ? "border-kiln-600 bg-kiln-600" : "border-stone-300 bg-white"}`}
            />
            <span className="truncate">{v.label || v.value}</span>
          </span>
          <span className="shrink-0 text-xs tabular-nums text-stone-500">{v.count.toLocaleString("en-US")}</span>
        </button>
        {hasVersions && (
          <button
            type="button"
            aria-expanded={open}
            aria-label={`Versions of ${v.label || v.value}`}
            title="Versions"
            onClick={() => setOpen((o) => !o)}
            className="shrink-0 rounded px-1.5 py-1 text-xs text-stone-500 hover:bg-stone-100 hover:text-stone-900"
            data-testid="facet-versions-toggle"
            data-value={v.value}
          >
            <span aria-hidden className={`inline-block transition-transform ${open ? "rotate-90" : ""}`}>
              ▸
            </span>
          </button>
        )}
      </div>
      {hasVersions && open && (
        <ul
          className="ml-5 mt-0.5 space-y-0.5 border-l border-stone-200 pl-1"
          aria-label={`Versions of ${v.label || v.value}`}
        >
          {v.versions!.map((x) => (
            <FacetEntry key={x.value} field={field} value={x} q={q} onQuery={onQuery} nested />
          ))}
        </ul>
      )}
    </li>
  );
}

/** From/to inputs that write one `field:from..to` term (either end may stay open). */
function RangeFilter({
  label,
  field,
  type,
  q,
  onQuery,
}: {
  label: string;
  field: string;
  type: "date" | "number";
  q: string;
  onQuery: (q: string) => void;
}) {
  const current = splitRange(termValue(q, field));
  // A hand-typed form the inputs cannot show (created:2026-01, >0.05, 7d) is left alone until changed here.
  const fits = (v: string) =>
    type === "date" ? v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v) : v === "" || /^\d*\.?\d+$/.test(v);
  const urlFrom = fits(current.from) ? current.from : "";
  const urlTo = fits(current.to) ? current.to : "";
  const [from, setFrom] = useState(urlFrom);
  const [to, setTo] = useState(urlTo);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    setFrom(urlFrom);
    setTo(urlTo);
  }, [urlFrom, urlTo]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const commit = (a: string, b: string) => {
    if (timer.current) clearTimeout(timer.current);
    if (a === urlFrom && b === urlTo) return;
    if ((a && !fits(a)) || (b && !fits(b))) return;
    onQuery(setTerm(q, field, rangeValue(a, b)));
  };
  // Typing a date fills its parts one by one; wait for a pause before searching.
  const later = (a: string, b: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => commit(a, b), 800);
  };
  const control =
    "w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500";
  const common = {
    type,
    min: type === "number" ? 0 : undefined,
    step: type === "number" ? "0.001" : undefined,
    className: control,
  };
  return (
    <fieldset data-range={field} className="min-w-0">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-stone-500">{label}</legend>
      {/* Date inputs are too wide to sit side by side in the sidebar. */}
      <div
        className={
          type === "date"
            ? "grid grid-cols-[2rem_1fr] items-center gap-x-1.5 gap-y-1 text-xs text-stone-500"
            : "flex items-center gap-1.5"
        }
      >
        {type === "date" && <span>from</span>}
        <input
          {...common}
          value={from}
          aria-label={`${label} from`}
          placeholder={type === "number" ? "min" : undefined}
          onChange={(e) => {
            setFrom(e.target.value);
            later(e.target.value, to);
          }}
          onBlur={() => commit(from, to)}
          onKeyDown={(e) => e.key === "Enter" && commit(from, to)}
        />
        <span className="text-stone-500">{type === "date" ? "to" : "–"}</span>
        <input
          {...common}
          value={to}
          aria-label={`${label} to`}
          placeholder={type === "number" ? "max" : undefined}
          onChange={(e) => {
            setTo(e.target.value);
            later(from, e.target.value);
          }}
          onBlur={() => commit(from, to)}
          onKeyDown={(e) => e.key === "Enter" && commit(from, to)}
        />
      </div>
    </fieldset>
  );
}

function FacetSkeleton() {
  return (
    <div className="animate-pulse space-y-4" aria-hidden>
      {[0, 1, 2].map((i) => (
        <div key={i} className="space-y-1.5">
          <div className="h-3 w-16 rounded bg-stone-200" />
          <div className="h-6 rounded bg-stone-100" />
          <div className="h-6 rounded bg-stone-100" />
        </div>
      ))}
    </div>
  );
}
