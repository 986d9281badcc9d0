import { env } from "@/lib/env";

/**
 * When each attempt of a delivery is made, as the delay after the previous failure (Standard
 * Webhooks / Svix): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over
 * about 27.5 hours, so a receiver down for a day still gets the event.
 */
export const STANDARD_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses "0,5s,5m,2h" (numbers alone are milliseconds). Throws with what is wrong. */
export function parseSchedule(text: string): number[] {
  const delays = text.split(",").map((part) => {
    const m = part.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h)?$/);
    if (!m)
      throw new Error(`KILN_WEBHOOK_RETRY_SCHEDULE: “${part.trim()}” is not a delay such as 0, 500ms, 5s, 5m or 2h.`);
    return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? "ms"]!);
  });
  if (delays.length === 0 || delays.length > 20) throw new Error("KILN_WEBHOOK_RETRY_SCHEDULE lists 1 to 20 delays.");
  return delays;
}

/** The schedule in force: KILN_WEBHOOK_RETRY_SCHEDULE when set (tests), else the standard one. */
export function retrySchedule(): number[] {
  const custom = env().KILN_WEBHOOK_RETRY_SCHEDULE;
  return custom ? parseSchedule(custom) : STANDARD_SCHEDULE_MS;
}
