import type { GenerationSender } from "@/lib/generation/batch-actions";
import { inngest } from "./client";
import { batchCancelled, batchQueued, generationRequested, uploadCreated } from "./events";

/**
 * The event id makes a repeated send of the same request a no-op for the engine; a user's
 * "retry" passes a new send key, so it is a new request.
 */
export async function announceUpload(uploadId: string, sendKey: string): Promise<void> {
  await inngest.send(uploadCreated.create({ uploadId }, { id: `upload-created-${uploadId}-${sendKey}` }));
}

export const generationSender: GenerationSender = {
  async batchQueued({ batchId, userId, sendKey }) {
    await inngest.send(batchQueued.create({ batchId, userId }, { id: `batch-queued-${batchId}-${sendKey}` }));
  },
  async generationsRequested(items) {
    for (let i = 0; i < items.length; i += 500) {
      await inngest.send(
        items
          .slice(i, i + 500)
          .map((g) =>
            generationRequested.create(
              { generationId: g.generationId, batchId: g.batchId, providerId: g.providerId, userId: g.userId },
              { id: `generation-requested-${g.generationId}-${g.attempts}` },
            ),
          ),
      );
    }
  },
  async batchCancelled(batchId) {
    await inngest.send(batchCancelled.create({ batchId }, { id: `batch-cancelled-${batchId}` }));
  },
};
