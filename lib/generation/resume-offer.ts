import type { BatchCounts } from "./batch-views";

/** How long a live batch may show no activity before the page offers Resume (a crash or an engine that lost it). */
export const STALLED_AFTER_MS = 60_000;

export type ResumeOfferInput = {
  status: string;
  counts: BatchCounts;
  /** The batch waits on purpose (budget, hold, paused generation): Resume would not help. */
  waiting: string | null;
  /** Queueing could not reach the background engine (the Generate page said so). */
  engineUnreachable: boolean;
  createdAt: string;
  /** The newest finishedAt of the batch's generations, if any. */
  lastFinishedAt: string | null;
  now: number;
};

/**
 * Resume hands a batch to the engine again; it is offered only when the batch looks stuck: queued work
 * the engine never answered for, or nothing running and nothing finished for a minute. A batch that is
 * running (the engine is working on it) or waiting on a budget shows no Resume.
 */
export function shouldOfferResume(i: ResumeOfferInput): boolean {
  if (i.status !== "queued" && i.status !== "running") return false;
  if (i.counts.queued === 0 && i.counts.running === 0) return false;
  if (i.engineUnreachable && i.counts.succeeded === 0 && i.counts.running === 0) return true;
  if (i.waiting || i.counts.running > 0) return false;
  const last = Math.max(Date.parse(i.createdAt), i.lastFinishedAt ? Date.parse(i.lastFinishedAt) : 0);
  return i.now - last >= STALLED_AFTER_MS;
}

/** The newest finishedAt among a batch's generations (ISO strings compare in time order), or null. */
export function lastFinishedAt(rows: { finishedAt: string | null }[]): string | null {
  return rows.reduce<string | null>(
    (last, r) => (r.finishedAt && (!last || r.finishedAt > last) ? r.finishedAt : last),
    null,
  );
}
