import { z } from "zod";
import { TIERS } from "@/lib/presets";
import { AppError, parseInput } from "@/lib/errors";

/** The longest range the report covers at once (a year and a bit): keeps the daily series readable and the queries bounded. */
export const MAX_RANGE_DAYS = 400;
export const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 86_400_000;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const day = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31.")
    .optional(),
);
const id = (what: string) => z.preprocess(blankToUndefined, z.string().uuid(`Unknown ${what}.`).optional());
const text = z.preprocess(blankToUndefined, z.string().trim().max(200).optional());

/** What the Costs page, its API and its CSV exports accept (query-string shaped: every value a string). */
export const costFiltersInput = z.object({
  /** First UTC day of the range, inclusive (default: 29 days before `to`). */
  from: day,
  /** Last UTC day of the range, inclusive (default: today, UTC). */
  to: day,
  campaign: text,
  teamId: id("team"),
  /** The batch owner: whose work the spend was for. */
  userId: id("user"),
  tier: z.preprocess(blankToUndefined, z.enum(TIERS, { error: "Pick draft, support or hero." }).optional()),
  presetId: id("preset"),
  model: text,
  providerId: id("GPU endpoint"),
});

export type CostFiltersInput = z.input<typeof costFiltersInput>;

/** Parsed filters: the range as [start, end) instants at UTC midnight, plus the dimensions. */
export type CostFilters = {
  from: string;
  to: string;
  start: Date;
  /** Exclusive: midnight UTC after the `to` day. */
  end: Date;
  days: number;
  campaign?: string;
  teamId?: string;
  userId?: string;
  tier?: (typeof TIERS)[number];
  presetId?: string;
  model?: string;
  providerId?: string;
};

/** The dimension filters a report can be narrowed by (everything but the dates). */
export const DIMENSION_KEYS = ["campaign", "teamId", "userId", "tier", "presetId", "model", "providerId"] as const;

function parseDay(value: string, field: string): Date {
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw fieldError(field, "That date does not exist.");
  return date;
}

function fieldError(field: string, message: string): AppError {
  return new AppError("invalid_input", `${field}: ${message}`, { fields: { [field]: [message] } });
}

/** Validates the filters and fills in the default range (the last 30 UTC days, today included). */
export function parseCostFilters(input: unknown, now: Date = new Date()): CostFilters {
  const raw = parseInput(costFiltersInput, input ?? {});
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const to = raw.to
    ? parseDay(raw.to, "to")
    : raw.from
      ? new Date(Math.min(today.getTime(), parseDay(raw.from, "from").getTime() + (DEFAULT_RANGE_DAYS - 1) * DAY_MS))
      : today;
  const start = raw.from ? parseDay(raw.from, "from") : new Date(to.getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  if (start > to) throw fieldError("from", "The start date is after the end date.");
  const days = Math.round((to.getTime() - start.getTime()) / DAY_MS) + 1;
  if (days > MAX_RANGE_DAYS) throw fieldError("from", `Pick at most ${MAX_RANGE_DAYS} days.`);
  const { from: _f, to: _t, ...dimensions } = raw;
  return {
    ...Object.fromEntries(Object.entries(dimensions).filter(([, v]) => v !== undefined)),
    from: start.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    start,
    end: new Date(to.getTime() + DAY_MS),
    days,
  };
}

/** The filters as query-string pairs (for links, the CSV export and the page's form). */
export function filtersToParams(filters: CostFilters): Record<string, string> {
  const params: Record<string, string> = { from: filters.from, to: filters.to };
  for (const key of DIMENSION_KEYS) if (filters[key]) params[key] = filters[key]!;
  return params;
}

/** True when any dimension narrows the report; unattributable spend (connection tests) belongs to none. */
export function hasDimensionFilter(filters: CostFilters): boolean {
  return DIMENSION_KEYS.some((key) => filters[key] !== undefined);
}
