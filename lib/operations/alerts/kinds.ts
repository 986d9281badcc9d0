import type { AlertKind } from "@/db/schema/operations";

/**
 * What each alert kind means to an admin, and the unit its threshold is typed in. The database keeps
 * the schema's units (percent, milliseconds, minutes, micro-dollars per hour); the form and every
 * message use the display unit, so nobody ever sees a raw code or a micro-dollar.
 */
export type KindInfo = {
  label: string;
  /** How the form explains the threshold. */
  thresholdLabel: string;
  /** The display unit's name, as in "above 12 seconds". */
  unit: string;
  /** Stored value = display value × factor. */
  factor: number;
  /** The kind can watch one GPU endpoint (null: all of them). */
  perEndpoint: boolean;
  /** The kind looks back over window_minutes (the backlog's age is a point-in-time value). */
  usesWindow: boolean;
  /** What the webhook payload calls the stored unit. */
  storedUnit: "percent" | "milliseconds" | "minutes" | "micros_per_hour";
  /** Where the value comes from, for the page's help text. */
  help: string;
  /** The page to look at when it fires. */
  page: { href: string; label: string };
};

export const KIND_INFO: Record<AlertKind, KindInfo> = {
  endpoint_error_rate: {
    label: "GPU endpoint error rate",
    thresholdLabel: "Fire when more than this share of calls fails",
    unit: "percent",
    factor: 1,
    perEndpoint: true,
    usesWindow: true,
    storedUnit: "percent",
    help: "Failed and interrupted provider calls among all calls in the window. An endpoint needs at least 5 calls in the window before its rate counts.",
    page: { href: "/admin/providers", label: "GPU endpoints" },
  },
  generation_p95: {
    label: "Generation time (95th percentile)",
    thresholdLabel: "Fire when 95% of generations take longer than",
    unit: "seconds",
    factor: 1000,
    perEndpoint: true,
    usesWindow: true,
    storedUnit: "milliseconds",
    help: "Time from a generation's first provider call to its finished image (retries included), over the generations that succeeded in the window.",
    page: { href: "/jobs", label: "Jobs" },
  },
  review_backlog_age: {
    label: "Review backlog age",
    thresholdLabel: "Fire when the oldest asset waiting for review is older than",
    unit: "minutes",
    factor: 1,
    perEndpoint: false,
    usesWindow: false,
    storedUnit: "minutes",
    help: "How long the oldest asset in the review queue has been waiting.",
    page: { href: "/review", label: "Review" },
  },
  spend_rate: {
    label: "Spend rate",
    thresholdLabel: "Fire when spending faster than",
    unit: "dollars per hour",
    factor: 1_000_000,
    perEndpoint: false,
    usesWindow: true,
    storedUnit: "micros_per_hour",
    help: "Everything the cost ledger recorded in the window, as dollars per hour.",
    page: { href: "/costs", label: "Costs" },
  },
};

/** The kinds in the order the form offers them. */
export const ALERT_KIND_ORDER = Object.keys(KIND_INFO) as AlertKind[];

/** The stored threshold from what the admin typed (rounded to whole ms / micro-dollars). */
export function toStored(kind: AlertKind, display: number): number {
  const info = KIND_INFO[kind];
  return info.factor === 1 ? display : Math.round(display * info.factor);
}

export function toDisplay(kind: AlertKind, stored: number): number {
  return stored / KIND_INFO[kind].factor;
}

function trim(n: number, decimals: number): string {
  return Number(n.toFixed(decimals)).toLocaleString("en-US", { maximumFractionDigits: decimals });
}

/** A stored value in plain words: "12.5%", "8.3 seconds", "42 minutes", "$1.20 per hour". */
export function formatValue(kind: AlertKind, stored: number | null): string {
  if (stored === null) return "no data";
  const v = toDisplay(kind, stored);
  switch (kind) {
    case "endpoint_error_rate":
      return `${trim(v, 1)}%`;
    case "generation_p95":
      return `${trim(v, 1)} seconds`;
    case "review_backlog_age":
      return v >= 120 ? `${trim(v / 60, 1)} hours` : `${trim(v, 0)} minutes`;
    case "spend_rate":
      return `$${v < 0.01 && v > 0 ? trim(v, 4) : v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} per hour`;
  }
}

export function formatWindow(minutes: number): string {
  if (minutes % 60 === 0 && minutes >= 60) return minutes === 60 ? "hour" : `${minutes / 60} hours`;
  return minutes === 1 ? "minute" : `${minutes} minutes`;
}

/** One line saying what a rule watches: "Error rate of Kiln GPU simulator above 10% over the last 15 minutes". */
export function describeRule(
  rule: { kind: AlertKind; threshold: number; windowMinutes: number },
  endpointName: string | null,
): string {
  const t = formatValue(rule.kind, rule.threshold);
  const over = `over the last ${formatWindow(rule.windowMinutes)}`;
  const where = endpointName ?? "any GPU endpoint";
  switch (rule.kind) {
    case "endpoint_error_rate":
      return `Error rate of ${where} above ${t} ${over}`;
    case "generation_p95":
      return `95th percentile generation time${endpointName ? ` on ${endpointName}` : ""} above ${t} ${over}`;
    case "review_backlog_age":
      return `Oldest asset waiting for review older than ${t}`;
    case "spend_rate":
      return `Spending faster than ${t} ${over}`;
  }
}

/** A moment as the page shows it, fixed on the server so the browser renders the same text: "5 Dec 2026, 03:12 UTC". */
export function formatUtc(d: Date): string {
  return `${d.toLocaleString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false })} UTC`;
}
