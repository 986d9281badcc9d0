import type { BudgetPeriod } from "@/db/schema";

export type PeriodBounds = {
  start: Date;
  end: Date;
  /** Share of the period gone by at `now`, 0…1. */ elapsed: number;
};

/**
 * The UTC calendar period holding `now`: the day, the ISO week (Monday 00:00 to the next Monday),
 * the month or the quarter. `end` is exclusive, so a timestamp belongs to exactly one period.
 */
export function periodBounds(period: BudgetPeriod, now: Date = new Date()): PeriodBounds {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  let start: Date;
  let end: Date;
  switch (period) {
    case "day":
      start = new Date(Date.UTC(y, m, d));
      end = new Date(Date.UTC(y, m, d + 1));
      break;
    case "week": {
      const sinceMonday = (now.getUTCDay() + 6) % 7; // Sunday is 0 in JS, day 7 of an ISO week
      start = new Date(Date.UTC(y, m, d - sinceMonday));
      end = new Date(Date.UTC(y, m, d - sinceMonday + 7));
      break;
    }
    case "month":
      start = new Date(Date.UTC(y, m, 1));
      end = new Date(Date.UTC(y, m + 1, 1));
      break;
    case "quarter": {
      const q = Math.floor(m / 3) * 3;
      start = new Date(Date.UTC(y, q, 1));
      end = new Date(Date.UTC(y, q + 3, 1));
      break;
    }
  }
  const elapsed = (now.getTime() - start.getTime()) / (end.getTime() - start.getTime());
  return { start, end, elapsed: Math.min(1, Math.max(0, elapsed)) };
}

/**
 * Linear forecast of spend at period end from spend so far, in whole micro-dollars (integer math:
 * spent × period length ÷ time elapsed). Early in a period (under a minute gone) it is the spend itself.
 */
export function forecastMicros(spent: number, bounds: PeriodBounds, now: Date = new Date()): number {
  const elapsedMs = BigInt(Math.max(0, now.getTime() - bounds.start.getTime()));
  const lengthMs = BigInt(bounds.end.getTime() - bounds.start.getTime());
  if (elapsedMs < 60_000n) return spent;
  if (elapsedMs >= lengthMs) return spent;
  return Number((BigInt(spent) * lengthMs + elapsedMs / 2n) / elapsedMs);
}

export const PERIOD_LABEL: Record<BudgetPeriod, string> = {
  day: "per day",
  week: "per week",
  month: "per month",
  quarter: "per quarter",
};
