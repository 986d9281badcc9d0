import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { batchQueued, generationRequested } from "@/inngest/events";
import { listQueuedGenerations } from "@/lib/generation/batch-queries";

const CHUNK = 500;

/** kiln/batch.queued → one kiln/generation.requested per queued generation, in chunks. */
export const fanOutBatch = inngest.createFunction(
  { id: "generation-fan-out-batch", name: "Fan out batch", triggers: [batchQueued], retries: 5 },
  async ({ event, step }) => {
    const queued = await step.run("list-queued", async () => {
      const { db } = await getDatabase();
      return listQueuedGenerations(db, event.data.batchId);
    });
    for (let i = 0; i < queued.length; i += CHUNK) {
      const chunk = queued.slice(i, i + CHUNK);
      // Event ids make a re-run of this step (or a resumed batch) request each generation once.
      await step.sendEvent(
        `request-${i / CHUNK}`,
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
