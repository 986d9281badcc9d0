import type { Ctx } from "@/lib/auth/context";
import { logger } from "@/lib/observability/logger";

/** What was resumed: one GPU endpoint, all generation (the global switch), or budgets (any change that may release held work). */
export type Resumed = { scope: "endpoint"; providerId: string } | { scope: "all" } | { scope: "budgets" };

/** Tells parked generations that they may go on; sent after the change commits (inngest/send.ts). */
export type ResumeSender = (resumed: Resumed) => Promise<void>;

/** A person's change that may let parked work go on (a resume, a budget edit, a released hold), and how to say so. */
export type ResumingChange = { ctx: Ctx; input: unknown; resumed?: ResumeSender };

/**
 * The change has committed and parked work finds it at its next poll anyway (30 s for a pause, 5
 * minutes for a budget), so a failed send only costs that wait: it is logged, never thrown at the
 * person who made the change.
 */
export async function announceResume(send: ResumeSender | undefined, resumed: Resumed): Promise<void> {
  if (!send) return;
  await send(resumed).catch((err: unknown) =>
    logger.warn({ err, resumed }, "resume: parked work was not woken; it looks again at its next poll"),
  );
}
