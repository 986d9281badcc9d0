import { costOfCall } from "@/lib/costs/estimate";
import { env } from "@/lib/env";
import type { ActivePreset } from "./catalog";

export type Estimate = { images: number; micros: number; seconds: number };

/**
 * Cost is exact for per-image and per-megapixel prices, and uses the preset's expected GPU time
 * for per-second prices. Time is a rough guide (the Jobs page shows the measured rate and ETA):
 * expected seconds per image, spread over each endpoint's concurrency (its own limit, capped by
 * the static KILN_PROVIDER_CONCURRENCY).
 */
export function estimateGenerations(items: { width: number; height: number; preset: ActivePreset }[]): Estimate {
  let micros = 0;
  const secondsByProvider = new Map<string, number>();
  const concurrencyOf = new Map<string, number>();
  for (const item of items) {
    const pm = item.preset.version.priceModel;
    micros += costOfCall(pm, { width: item.width, height: item.height });
    const perImage =
      pm.kind === "per_gpu_second" ? pm.expectedGpuSeconds : Math.max(1, (item.preset.version.params.steps * item.width * item.height) / 10_000_000);
    const key = item.preset.provider.id;
    secondsByProvider.set(key, (secondsByProvider.get(key) ?? 0) + perImage);
    concurrencyOf.set(key, Math.max(1, Math.min(item.preset.provider.concurrencyLimit, env().KILN_PROVIDER_CONCURRENCY)));
  }
  const seconds = Math.ceil(Math.max(0, ...[...secondsByProvider].map(([key, s]) => s / concurrencyOf.get(key)!)));
  return { images: items.length, micros, seconds };
}
