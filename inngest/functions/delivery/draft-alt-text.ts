import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { altTextDraftRequested } from "@/inngest/events";
import { failAltTextDraft, runAltTextDraft } from "@/lib/alt-text/draft";
import { AppError } from "@/lib/errors";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";

/**
 * kiln/alt-text.draft-requested → the engine in force captions the asset's current version and the
 * cleaned caption is stored as a draft for a person to confirm. One draft per asset at a time, two
 * overall (an engine is a GPU endpoint or a paid API). Transient engine failures retry with backoff;
 * refusals (4xx, drafting off, missing image) do not; when it gives up, onFailure puts the status back
 * and audits why (alt_text.draft_failed), which the asset page shows.
 */
export const draftAltText = inngest.createFunction(
  {
    id: "delivery-draft-alt-text",
    name: "Draft alt text",
    triggers: [altTextDraftRequested],
    retries: 2,
    concurrency: [{ limit: 2 }, { key: "event.data.assetId", limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", async () => {
        const { db } = await getDatabase();
        const data = event.data.event.data;
        await failAltTextDraft({ db, assetId: data.assetId, requestedBy: data.requestedBy, message: error.message });
      });
    },
  },
  async ({ event, step }) => {
    return step.run("draft", async () => {
      const { db } = await getDatabase();
      try {
        return await runAltTextDraft({
          db,
          store: getBlobStore(),
          assetId: event.data.assetId,
          requestedBy: event.data.requestedBy,
          overwrite: event.data.overwrite ?? false,
        });
      } catch (error) {
        if (error instanceof ProviderError && !error.retryable)
          throw new NonRetriableError(error.message, { cause: error });
        if (error instanceof AppError && error.code !== "unavailable")
          throw new NonRetriableError(error.message, { cause: error });
        throw error;
      }
    });
  },
);
