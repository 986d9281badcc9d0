import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { batchQueued, generationRequested } from "@/inngest/events";
import { listQueuedGenerations } from "@/lib/generation/batch-queries";

/** The largest chunk of events one step sends (one transaction on the runner's side). */
const MAX_CHUNK = 500;
/** The first chunk: enough to fill an endpoint's first wave of calls (and their twins waiting for a slot). */
const FIRST_CHUNK = 32;

/**
 * Chunk sizes for `total` events: 32, 64, 128, 256, then 500 at a time. The runner starts no run of
 * a chunk before the whole chunk is stored (~1.4–2 ms per run on the embedded database), so with a
 * first chunk of 500 the first generate steps began ~1.4 s after the batch was queued; with 32 they
 * begin after ~0.1 s, and each next chunk is stored while they run (bench:pipeline's first provider
 * call still waits ~1 s more: the later chunks' transactions hold the embedded database meanwhile).
 */
export function fanOutChunks(total: number): number[] {
  const sizes: number[] = [];
  for (let sent = 0, next = FIRST_CHUNK; sent < total; next = Math.min(next * 2, MAX_CHUNK)) {
    const size = Math.min(next, total - sent);
    sizes.push(size);
    sent += size;
  }
  return sizes;
}

/** kiln/batch.queued → one kiln/generation.requested per queued generation, in chunks (fanOutChunks). */
export const fanOutBatch = inngest.createFunction(
  { id: "generation-fan-out-batch", name: "Fan out batch", triggers: [batchQueued], retries: 5 },
  async ({ event, step }) => {
    const queued = await step.run("list-queued", async () => {
      const { db } = await getDatabase();
      return listQueuedGenerations(db, event.data.batchId);
    });
    let start = 0;
    for (const [index, size] of fanOutChunks(queued.length).entries()) {
      const chunk = queued.slice(start, start + size);
      start += size;
      // Event ids make a re-run of this step (or a resumed batch) request each generation once.
      await step.sendEvent(
        `request-${index}`,
        chunk.map((g) =>
          generationRequested.create(
            { generationId: g.id, batchId: event.data.batchId, providerId: g.providerId, userId: event.data.userId },
            { id: `generation-requested-${g.id}-${g.attempts}` },
          ),
        ),
      );
    }
    return { batchId: event.data.batchId, requested: queued.length };
  },
);
