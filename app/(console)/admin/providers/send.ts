import "server-only";
import { inngest } from "@/inngest/client";
import { generationRequested } from "@/inngest/events";
import type { MoveSender } from "@/lib/providers/admin-fallback";

/**
 * Requests moved generations again on their new endpoint. The id carries the move id: the
 * original request (`generation-requested-<id>-<attempts>`) is still parked on the paused
 * endpoint, and reusing its id would make the engine drop this one as a duplicate.
 */
export const sendMovedGenerations: MoveSender = async (items, moveId) => {
  for (let i = 0; i < items.length; i += 500) {
    await inngest.send(
      items
        .slice(i, i + 500)
        .map((g) =>
          generationRequested.create(
            { generationId: g.generationId, batchId: g.batchId, providerId: g.providerId, userId: g.userId },
            { id: `generation-moved-${g.generationId}-${moveId}` },
          ),
        ),
    );
  }
};
