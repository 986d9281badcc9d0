import type { QueueItem, QueuePageKey } from "./queue";

/** Queue order: entered review ascending (no time last), then id, as lib/review/queue.ts sorts in SQL. */
export function comesBefore(a: QueuePageKey, b: QueuePageKey): boolean {
  if (a.at !== b.at) return a.at === null ? false : b.at === null ? true : a.at < b.at;
  return a.id < b.id;
}

/**
 * The loaded list with an asset the server named since (nextReviewItem): it replaces its older copy,
 * or joins the list at its place in queue order. Pure, so the review page can use it.
 */
export function withQueueItem(listed: QueueItem[], item: QueueItem): QueueItem[] {
  if (listed.some((i) => i.assetId === item.assetId)) return listed.map((i) => (i.assetId === item.assetId ? item : i));
  const at = listed.findIndex((i) => comesBefore(item.queueKey, i.queueKey));
  return at < 0 ? [...listed, item] : [...listed.slice(0, at), item, ...listed.slice(at)];
}
