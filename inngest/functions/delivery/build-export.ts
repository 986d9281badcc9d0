import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { exportRequested } from "@/inngest/events";
import {
  ExportGoneError,
  failExport,
  finishExport,
  renderExportChunk,
  startExport,
  writeExportZip,
} from "@/lib/exports/build";
import { getBlobStore } from "@/lib/storage";

async function deps() {
  const { db } = await getDatabase();
  return { db, store: getBlobStore() };
}

/** A vanished export will not come back on a retry. */
function nonRetriable(error: unknown): never {
  if (error instanceof ExportGoneError) throw new NonRetriableError(error.message, { cause: error });
  throw error;
}

/**
 * kiln/export.requested → the assets' renditions in steps of a few assets (progress moves after each
 * asset; a retried step finds its renditions cached), then the ZIP streamed into the blob store,
 * then the job marked succeeded (audited, the creator notified). Retries spent: failed, with the reason.
 */
export const buildExport = inngest.createFunction(
  {
    id: "delivery-build-export",
    name: "Build export",
    triggers: [exportRequested],
    idempotency: "event.data.exportId",
    retries: 3,
    // Rendering is CPU-bound: two exports at a time across the installation, the rest queue.
    concurrency: { limit: 2 },
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", async () => {
        await failExport(
          await deps(),
          event.data.event.data.exportId,
          error.message || "The export could not be built.",
        );
      });
    },
  },
  async ({ event, step }) => {
    const { exportId } = event.data;
    const plan = await step.run("start", async () => startExport(await deps(), exportId).catch(nonRetriable));
    if (!plan) return { exportId, skipped: "already finished" };
    let files = 0;
    for (const [i, chunk] of plan.chunks.entries()) {
      const done = await step.run(`render-${i + 1}-of-${plan.chunks.length}`, async () =>
        renderExportChunk(await deps(), exportId, chunk).catch(nonRetriable),
      );
      files += done.files;
    }
    const zip = await step.run("write-zip", async () => writeExportZip(await deps(), exportId).catch(nonRetriable));
    await step.run("finish", async () => {
      await finishExport(await deps(), exportId, zip).catch(nonRetriable);
    });
    return { exportId, files, bytes: zip.bytes };
  },
);
