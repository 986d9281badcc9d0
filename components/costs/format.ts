import { formatMicros, formatUnitMicros } from "@/lib/costs/estimate";

/** Money for people: dollars from integer micros ("—" when there is no figure, e.g. nothing approved). */
export function money(micros: number | null): string {
  return micros === null ? "—" : formatMicros(micros);
}

/** A unit cost (cost per usable asset) with the digits needed to compare groups: "$0.014", not "$0.01". */
export function unitMoney(micros: number | null): string {
  return micros === null ? "—" : formatUnitMicros(micros);
}

/** A rate as a percentage with one decimal ("—" when nothing could be counted). */
export function percent(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "Mar 4" for a YYYY-MM-DD day (UTC), for chart axes. */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

/** The CSV export of one of the page's tables, with the page's filters. */
export function exportHref(table: string, params: Record<string, string>): string {
  return `/api/costs/export?${new URLSearchParams({ table, ...params }).toString()}`;
}
