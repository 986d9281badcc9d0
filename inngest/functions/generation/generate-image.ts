import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { batchCancelled, generationRequested } from "@/inngest/events";
import { env } from "@/lib/env";
import { endpointState } from "@/lib/generation/batch-queries";
import { deadLetterGeneration, runGeneration } from "@/lib/generation/run-generation";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";

const PAUSE_POLL = "30s";
const MAX_PAUSE_POLLS = 2 * 60 * 24; // a day of waiting on a paused endpoint before giving up

/**
 * kiln/generation.requested → one image. Concurrency is limited per GPU endpoint and throttled
 * per user; transient provider failures retry with backoff, content-filter and 4xx do not; when
 * it gives up, onFailure dead-letters the generation with a reason code.
 */
export const generateImage = inngest.createFunction(
  {
    id: "generation-generate-image",
    name: "Generate image",
    triggers: [generationRequested],
    retries: 4,
    concurrency: [{ key: "event.data.providerId", limit: env().KILN_PROVIDER_CONCURRENCY }],
    throttle: { key: "event.data.userId", limit: env().KILN_USER_GENERATIONS_PER_MINUTE, period: "1m" },
    cancelOn: [{ event: batchCancelled, match: "data.batchId" }],
    onFailure: async ({ event, error, step }) => {
      await step.run("dead-letter", async () => {
        const { db } = await getDatabase();
        const code = (error as { name?: string }).name === "NonRetriableError" ? codeFromMessage(error.message) : "provider_failed";
        await deadLetterGeneration({ db, generationId: event.data.event.data.generationId, code, message: error.message });
      });
    },
  },
  async ({ event, step, attempt }) => {
    // A paused endpoint parks the work here (durably), without spending retries; if an admin
    // moves the work to another endpoint meanwhile, that move sent its own request and this one ends.
    for (let i = 0; i < MAX_PAUSE_POLLS; i += 1) {
      const state = await step.run(`check-endpoint-${i}`, async () => endpointState((await getDatabase()).db, event.data.generationId, event.data.providerId));
      if (state === "moved") return { status: "moved", generationId: event.data.generationId };
      if (state === "ready") break;
      await step.sleep(`endpoint-paused-${i}`, PAUSE_POLL);
    }
    return step.run("generate", async () => {
      const { db } = await getDatabase();
      try {
        return await runGeneration({ db, store: getBlobStore(), generationId: event.data.generationId, attempt });
      } catch (error) {
        if (error instanceof ProviderError && !error.retryable) throw new NonRetriableError(`[${error.kind}] ${error.message}`, { cause: error });
        throw error;
      }
    });
  },
);

/** The reason code a user sees, from the "[kind] message" form thrown above. */
function codeFromMessage(message: string): string {
  return /^\[([a-z_]+)\]/.exec(message)?.[1] ?? "failed";
}
