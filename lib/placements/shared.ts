// Client-safe (no drizzle, no sharp): the admin form and the asset page's panel import these.
import type { DeliveryFormat } from "@/db/schema/delivery";

export const PLACEMENT_CHANNELS = ["meta", "google", "tiktok", "custom"] as const;
export type PlacementChannel = (typeof PLACEMENT_CHANNELS)[number];
export const CHANNEL_LABELS: Record<PlacementChannel, string> = {
  meta: "Meta",
  google: "Google Display",
  tiktok: "TikTok",
  custom: "Custom",
};

/** The schema's DELIVERY_FORMATS as the form offers them (placements.test.ts keeps the two equal). */
export const FORMAT_CHOICES = ["webp", "avif", "jpeg", "png"] as const satisfies readonly DeliveryFormat[];

/** "9:16", "1.91:1", "8.09:1": how people name a placement's shape. */
export function aspectLabel(width: number, height: number): string {
  const g = gcd(width, height);
  const [w, h] = [width / g, height / g];
  if (w <= 32 && h <= 32) return `${w}:${h}`;
  return width >= height ? `${round2(width / height)}:1` : `1:${round2(height / width)}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
function round2(n: number): string {
  return String(Math.round(n * 100) / 100);
}
