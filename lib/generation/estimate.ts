import { costOfCall } from "@/lib/costs/estimate";
import { endpointCallLimit } from "./calls-in-flight";
import type { ActivePreset } from "./catalog";
import type { MeasuredGpuTime } from "./measured-gpu-time";

/**
 * How far the cost estimate can be trusted. "exact": every price is per image or per megapixel.
 * "measured": per-GPU-second prices priced at the endpoint's measured median time, with the range the
 * 10th–90th percentile of those runs would cost. "expected": no run measured yet, the preset's guess.
 */
export type EstimateAccuracy =
  | { kind: "exact" }
  | { kind: "measured"; runs: number; medianSeconds: number; lowMicros: number; highMicros: number }
  | { kind: "expected"; expectedSeconds: number };

export type Estimate = { images: number; micros: number; seconds: number; accuracy: EstimateAccuracy };

/**
 * Cost is exact for per-image and per-megapixel prices; per-GPU-second prices use the endpoint's
 * measured GPU time for this preset version (`measured`, from recent generations) and fall back to the
 * preset's expected time. Time is a rough guide (the Jobs page shows the measured rate and ETA):
 * seconds per image spread over each endpoint's concurrency (its own limit, capped by KILN_PROVIDER_CONCURRENCY).
 */
export function estimateGenerations(
  items: { width: number; height: number; preset: ActivePreset }[],
  measured: ReadonlyMap<string, MeasuredGpuTime> = new Map(),
): Estimate {
  let micros = 0;
  let low = 0;
  let high = 0;
  let timed = 0;
  let unmeasured: number | null = null;
  let runs = Number.POSITIVE_INFINITY;
  let median = 0;
  const secondsByProvider = new Map<string, number>();
  const concurrencyOf = new Map<string, number>();
  for (const item of items) {
    const pm = item.preset.version.priceModel;
    const size = { width: item.width, height: item.height };
    const m = measured.get(item.preset.version.id);
    let perImage = Math.max(1, (item.preset.version.params.steps * item.width * item.height) / 10_000_000);
    if (pm.kind === "per_gpu_second") {
      timed++;
      if (m) {
        perImage = m.medianSeconds;
        micros += costOfCall(pm, { ...size, gpuSeconds: m.medianSeconds });
        low += costOfCall(pm, { ...size, gpuSeconds: m.lowSeconds });
        high += costOfCall(pm, { ...size, gpuSeconds: m.highSeconds });
        runs = Math.min(runs, m.runs);
        median = m.medianSeconds;
      } else {
        perImage = pm.expectedGpuSeconds;
        micros += costOfCall(pm, size);
        unmeasured = pm.expectedGpuSeconds;
      }
    } else {
      const exact = costOfCall(pm, size);
      micros += exact;
      low += exact;
      high += exact;
    }
    const key = item.preset.provider.id;
    secondsByProvider.set(key, (secondsByProvider.get(key) ?? 0) + perImage);
    concurrencyOf.set(key, endpointCallLimit(item.preset.provider.concurrencyLimit));
  }
  const seconds = Math.ceil(Math.max(0, ...[...secondsByProvider].map(([key, s]) => s / concurrencyOf.get(key)!)));
  const accuracy: EstimateAccuracy =
    timed === 0
      ? { kind: "exact" }
      : unmeasured !== null
        ? { kind: "expected", expectedSeconds: unmeasured }
        : { kind: "measured", runs, medianSeconds: median, lowMicros: low, highMicros: high };
  return { images: items.length, micros, seconds, accuracy };
}
