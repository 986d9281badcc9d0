import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the product sends, named kiln/<noun>.<past-verb>, with its data schema.
 * Senders give each event a deterministic id so a retried send is deduplicated.
 */
export const uploadCreated = eventType("kiln/upload.created", {
  schema: z.object({ uploadId: z.string().uuid() }),
});

export type UploadCreatedData = z.infer<typeof uploadCreated.schema>;

export const batchQueued = eventType("kiln/batch.queued", {
  schema: z.object({ batchId: z.string().uuid(), userId: z.string().uuid() }),
});

export const batchCancelled = eventType("kiln/batch.cancelled", {
  schema: z.object({ batchId: z.string().uuid() }),
});

/** One per generation; the provider id is the concurrency key (GPU endpoints are scarce). */
export const generationRequested = eventType("kiln/generation.requested", {
  schema: z.object({
    generationId: z.string().uuid(),
    batchId: z.string().uuid(),
    providerId: z.string().uuid(),
    userId: z.string().uuid(),
    /**
     * Set when a run that waited long (paused endpoint, budget hold, busy endpoint) hands the wait
     * on to a fresh run before Inngest's limit of steps per run: the polls spent so far, so the
     * overall limits (a day paused, ten days held) still hold, and which continuation this is.
     */
    waited: z
      .object({
        pauses: z.number().int().min(0),
        holds: z.number().int().min(0),
        continuation: z.number().int().min(1),
      })
      .optional(),
  }),
});

/**
 * Parked generations may go on: an admin resumed one GPU endpoint (scope "endpoint", `providerId`) or
 * all generation ("all"), or a budget changed, a campaign hold was released or a budget period began
 * ("budgets"). Work parked for that reason waits for this event (its poll is the timeout), so it
 * looks again at once; work still held waits again.
 */
export const generationResumed = eventType("kiln/generation.resumed", {
  schema: z.object({ scope: z.enum(["endpoint", "all", "budgets"]), providerId: z.string().uuid().optional() }),
});

/**
 * A generation's image is stored; its renditions are made next, outside the GPU slot. No longer sent:
 * a new generation's renditions are made by its check run (checkRequested.generationId). Its function
 * stays for events queued before that change.
 */
export const generationSucceeded = eventType("kiln/generation.succeeded", {
  schema: z.object({ generationId: z.string().uuid(), batchId: z.string().uuid() }),
});

/**
 * Run the automated checks of one check run (a new image, an edited version, or an admin's re-check).
 * `generationId`: the run is a new generation's first; its thumbnail and preview are made first, in
 * the same function run (one run per image instead of two, decision 0031).
 */
export const checkRequested = eventType("kiln/check.requested", {
  schema: z.object({ checkRunId: z.string().uuid(), generationId: z.string().uuid().optional() }),
});

/** Run one editor operation (asset_edits row): erase, upscale, remove background or restore. */
export const editRequested = eventType("kiln/edit.requested", {
  schema: z.object({ editId: z.string().uuid(), assetId: z.string().uuid(), userId: z.string().uuid() }),
});

/** Draft alt text for one asset (a person's "Draft with …", or an approval); requestedBy is null for automatic requests. */
export const altTextDraftRequested = eventType("kiln/alt-text.draft-requested", {
  schema: z.object({ assetId: z.string().uuid(), requestedBy: z.string().uuid().nullable(), overwrite: z.boolean() }),
});

/** An export job was created (lib/exports); build-export renders its files and writes the ZIP. */
export const exportRequested = eventType("kiln/export.requested", {
  schema: z.object({ exportId: z.string().uuid(), userId: z.string().uuid() }),
});

/** One webhook delivery (lib/webhooks) to attempt on the Standard Webhooks retry schedule. */
export const webhookDeliveryRequested = eventType("kiln/webhook.delivery-requested", {
  schema: z.object({ deliveryId: z.string().uuid(), endpointId: z.string().uuid() }),
});
