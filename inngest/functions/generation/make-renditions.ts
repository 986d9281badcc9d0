import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { generationSucceeded } from "@/inngest/events";
import { AppError } from "@/lib/errors";
import { cpuFunctionConcurrency } from "@/lib/generation/calls-in-flight";
import { makeGenerationRenditions } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";

/**
 * kiln/generation.succeeded → WebP thumbnail and preview. Kiln no longer sends this event (a new
 * generation's check run makes them, decision 0031); the function stays so events queued before an
 * upgrade still get their renditions.
 */
export const makeRenditions = inngest.createFunction(
  {
    id: "generation-make-renditions",
    name: "Generation renditions",
    triggers: [generationSucceeded],
    retries: 3,
    concurrency: { limit: cpuFunctionConcurrency() },
  },
  async ({ event, step }) =>
    step.run("renditions", async () => {
      const { db } = await getDatabase();
      try {
        return await makeGenerationRenditions({ db, store: getBlobStore(), generationId: event.data.generationId });
      } catch (error) {
        if (error instanceof AppError && error.code === "not_found")
          throw new NonRetriableError(error.message, { cause: error });
        throw error;
      }
    }),
);
