import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { generations } from "@/db/schema";

/** How many recent runs of a preset version the estimate learns from. */
export const MEASURED_RUNS = 50;

/** Per-image GPU time measured on an endpoint: the median and the spread (10th–90th percentile), in seconds. */
export type MeasuredGpuTime = { runs: number; medianSeconds: number; lowSeconds: number; highSeconds: number };

/** The q-quantile of sorted numbers, interpolated linearly (q in 0..1). */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Median and spread of measured call times in milliseconds; null when there is nothing to learn from. */
export function summariseTimings(ms: number[]): MeasuredGpuTime | null {
  const sorted = ms.filter((m) => Number.isFinite(m) && m >= 0).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const s = (q: number) => Math.round(quantile(sorted, q)) / 1000;
  return { runs: sorted.length, medianSeconds: s(0.5), lowSeconds: s(0.1), highSeconds: s(0.9) };
}

/**
 * The GPU time each preset version really took per image: the provider call times the pipeline
 * records on every succeeded generation (generations.provider_ms, migration 0018), newest MEASURED_RUNS per version.
 */
export async function measuredGpuTimes(
  db: DbExecutor,
  presetVersionIds: string[],
): Promise<Map<string, MeasuredGpuTime>> {
  const out = new Map<string, MeasuredGpuTime>();
  for (const id of [...new Set(presetVersionIds)]) {
    const rows = await db
      .select({ ms: generations.providerMs })
      .from(generations)
      .where(
        and(
          eq(generations.presetVersionId, id),
          eq(generations.status, "succeeded"),
          isNotNull(generations.finishedAt),
          isNotNull(generations.providerMs),
        ),
      )
      .orderBy(desc(generations.finishedAt))
      .limit(MEASURED_RUNS);
    const summary = summariseTimings(rows.map((r) => Number(r.ms)).filter((n) => n > 0));
    if (summary) out.set(id, summary);
  }
  return out;
}
