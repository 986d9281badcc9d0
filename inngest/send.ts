import { inngest } from "./client";
import { uploadCreated } from "./events";

/**
 * The event id makes a repeated send of the same request a no-op for the engine; a user's
 * "retry" passes a new send key, so it is a new request.
 */
export async function announceUpload(uploadId: string, sendKey: string): Promise<void> {
  await inngest.send(uploadCreated.create({ uploadId }, { id: `upload-created-${uploadId}-${sendKey}` }));
}
