/** How close an asset's usage rights are to their end; shared by the asset page, the library and the sweep. Client-safe. */
export type RightsState = "none" | "ok" | "expiring" | "expired";

/** The notice goes out, and the library turns amber, this long before the expiry. */
export const RIGHTS_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export function rightsState(expiresAt: Date | string | null | undefined, now = new Date()): RightsState {
  if (!expiresAt) return "none";
  const at = new Date(expiresAt).getTime();
  if (at <= now.getTime()) return "expired";
  return at - now.getTime() <= RIGHTS_WARNING_DAYS * DAY_MS ? "expiring" : "ok";
}

/** "Expires in 5 days", "Expires today", "Expired on 2026-12-01": what the card and the tiles say. */
export function rightsLabel(expiresAt: Date | string | null | undefined, now = new Date()): string | null {
  if (!expiresAt) return null;
  const at = new Date(expiresAt);
  const date = at.toISOString().slice(0, 10);
  if (at.getTime() <= now.getTime()) return `Expired on ${date}`;
  // Calendar days (UTC), as people count them: an expiry at the end of Friday is "in 1 day" on Thursday.
  const days = Math.round((Date.parse(date) - Date.parse(now.toISOString().slice(0, 10))) / DAY_MS);
  if (days <= 0) return "Expires today";
  if (days === 1) return "Expires in 1 day";
  return rightsState(at, now) === "expiring" ? `Expires in ${days} days` : `Expires on ${date}`;
}

/** The channels the form offers; free short codes are accepted too ("dooh", "print-eu"). */
export const RIGHTS_CHANNELS = ["web", "social", "print", "ooh", "email", "marketplace", "internal"] as const;
