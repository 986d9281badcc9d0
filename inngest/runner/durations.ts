import type { Backoff } from "./types";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses Inngest time strings such as "1s", "2h30m" or "1w2d"; null when not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, num, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(num) * (UNIT_MS[unit as string] ?? 0);
  }
  return total;
}

/** A sleep target: the SDK sends a duration for step.sleep and an ISO date for sleepUntil. */
export function sleepTarget(name: string, now: number): number {
  const duration = parseDuration(name);
  if (duration !== null) return now + duration;
  const at = Date.parse(name);
  if (Number.isNaN(at)) throw new Error(`Cannot parse sleep "${name}" as a duration or a date`);
  return at;
}

/**
 * Exponential backoff with jitter: base·2^attempt capped at max, plus up to 25% jitter. The jitter
 * never exceeds the doubling, so successive delays stay ordered (tests rely on that).
 */
export function backoffDelay(backoff: Backoff, attempt: number, random = Math.random): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp * (1 + random() * 0.25));
}

/** The Retry-After header: seconds, or an HTTP/ISO date. Returns an absolute time or null. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return now + Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}
