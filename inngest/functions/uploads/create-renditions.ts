import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { checkRequested, uploadCreated } from "@/inngest/events";
import { AppError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import { screenUpload } from "@/lib/uploads/screen-upload";
import {
  RENDITION_SPECS,
  makeRendition,
  markRenditionsFailed,
  markRenditionsReady,
  type RenditionName,
} from "@/lib/uploads/renditions";

/** kiln/upload.created → the safety check, then one step per rendition size, then the upload is marked ready and becomes an asset (checks requested). */
export const createRenditions = inngest.createFunction(
  {
    id: "uploads-create-renditions",
    name: "Upload renditions",
    triggers: [uploadCreated],
    retries: 3,
    concurrency: { limit: 2 },
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", async () => {
        const { db } = await getDatabase();
        await markRenditionsFailed({ db, uploadId: event.data.event.data.uploadId, reason: error.message });
      });
    },
  },
  async ({ event, step }) => {
    const { uploadId } = event.data;
    const screened = await step.run("safety-check", async () => {
      const { db } = await getDatabase();
      return screenUpload({ db, store: getBlobStore(), uploadId }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "not_found")
          throw new NonRetriableError(error.message, { cause: error });
        throw error;
      });
    });
    if (!screened.allowed) return { uploadId, blocked: screened.reason };
    const names = Object.keys(RENDITION_SPECS) as RenditionName[];
    const made = await Promise.all(
      names.map((name) =>
        step.run(`render-${name}`, async () => {
          const { db } = await getDatabase();
          try {
            return await makeRendition({ db, store: getBlobStore(), uploadId, name });
          } catch (error) {
            // A missing upload or original will not appear on a retry: fail now, with the reason.
            if (error instanceof AppError && error.code === "not_found")
              throw new NonRetriableError(error.message, { cause: error });
            throw error;
          }
        }),
      ),
    );
    // Ready and an asset in one transaction; the asset's automated checks are requested next.
    const asset = await step.run("mark-ready", async () => {
      const { db } = await getDatabase();
      return markRenditionsReady({ db, uploadId, renditions: Object.fromEntries(names.map((n, i) => [n, made[i]!])) });
    });
    await step.sendEvent(
      "request-checks",
      checkRequested.create({ checkRunId: asset.checkRunId }, { id: `check-requested-${asset.checkRunId}` }),
    );
    return { uploadId, assetId: asset.assetId, renditions: made.map((r) => r.key) };
  },
);
