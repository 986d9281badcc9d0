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
