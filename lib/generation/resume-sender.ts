import { logger } from "@/lib/observability/logger";

/**
 * Tells parked generations that they may go on: `providerId` for one resumed GPU endpoint, null for
 * all generation (the global switch). Sent after the change commits (inngest/send.ts).
 */
export type ResumeSender = (providerId: string | null) => Promise<void>;

/**
 * The state change has committed and parked work finds it at its next poll anyway (30 s), so a
 * failed send only costs that wait: it is logged, never thrown at the admin who resumed.
 */
export async function announceResume(send: ResumeSender | undefined, providerId: string | null): Promise<void> {
  if (!send) return;
  await send(providerId).catch((err: unknown) =>
    logger.warn({ err, providerId }, "resume: parked work was not woken; it looks again at its next poll"),
  );
}
