import { plural } from "@/lib/labels";
import type { BatchCounts } from "./batch-views";

/**
 * The batch's counts in words. `total` is the images the batch planned; the counts are per generation,
 * and automatic re-rolls add generations, so 118 planned images may have 121 generations done. The
 * words say so instead of "121 done" of 118.
 */
export function progressWords(
  counts: BatchCounts,
  total: number,
): { parts: string[]; extra: number; generations: number } {
  const generations = counts.queued + counts.running + counts.succeeded + counts.dead_lettered + counts.cancelled;
  const extra = Math.max(0, generations - total);
  const parts = [
    `${plural(total, "image")}`,
    `${counts.succeeded.toLocaleString("en-US")} done`,
    `${counts.running.toLocaleString("en-US")} running`,
    `${counts.queued.toLocaleString("en-US")} queued`,
    `${counts.dead_lettered.toLocaleString("en-US")} failed`,
    ...(counts.cancelled > 0 ? [`${counts.cancelled.toLocaleString("en-US")} cancelled`] : []),
  ];
  if (extra > 0) parts[0] = `${plural(total, "image")} + ${plural(extra, "re-roll")}`;
  return { parts, extra, generations };
}
