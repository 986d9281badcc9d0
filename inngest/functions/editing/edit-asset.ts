import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { checkRequested, editRequested } from "@/inngest/events";
import { failEdit, runEdit } from "@/lib/editing/run-edit";
import { makeVersionRenditions } from "@/lib/editing/version-renditions";
import { AppError } from "@/lib/errors";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";

/**
 * kiln/edit.requested → one editor operation: the engine (one ledger row per call), the result
 * stored and added as a new version (checks started, approval cleared), then its renditions and
 * the checks. One edit per asset at a time (versions stay in order), two at once overall (local
 * engines are CPU work). Transient provider failures retry with backoff; 4xx, content filters and
 * missing inputs do not; when it gives up, onFailure marks the edit failed with the reason.
 */
export const editAsset = inngest.createFunction(
  {
    id: "editing-edit-asset",
    name: "Edit asset",
    triggers: [editRequested],
    retries: 3,
    concurrency: [{ limit: 2 }, { key: "event.data.assetId", limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", async () => {
        const { db } = await getDatabase();
        const match = /^\[([a-z_]+)\] ([\s\S]*)$/.exec(error.message);
        await failEdit({
          db,
          editId: event.data.event.data.editId,
          code: match?.[1] ?? "transient",
          detail: (match?.[2] ?? error.message).slice(0, 600),
        });
      });
    },
  },
  async ({ event, step }) => {
    const outcome = await step.run("run-engine", async () => {
      const { db } = await getDatabase();
      try {
        return await runEdit({ db, store: getBlobStore(), editId: event.data.editId });
      } catch (error) {
        if (error instanceof ProviderError && !error.retryable)
          throw new NonRetriableError(`[${error.kind}] ${error.message}`, { cause: error });
        // Retried; the kind travels in the message so onFailure can tell the designer why it gave up.
        if (error instanceof ProviderError) throw new Error(`[${error.kind}] ${error.message}`, { cause: error });
        if (error instanceof AppError && (error.code === "not_found" || error.code === "conflict")) {
          throw new NonRetriableError(`[not_found] ${error.message}`, { cause: error });
        }
        throw error;
      }
    });
    if (!outcome.versionId) return outcome;
    // The checks first: the new version must go through them (and review) even if a rendition fails.
    if (outcome.checkRunId) {
      await step.sendEvent(
        "request-checks",
        checkRequested.create({ checkRunId: outcome.checkRunId }, { id: `check-requested-${outcome.checkRunId}` }),
      );
    }
    await step.run("renditions", async () => {
      const { db } = await getDatabase();
      return makeVersionRenditions({ db, store: getBlobStore(), versionId: outcome.versionId! });
    });
    return outcome;
  },
);
