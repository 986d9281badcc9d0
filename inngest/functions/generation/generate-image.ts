import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { batchCancelled, checkRequested, generationRequested, generationResumed } from "@/inngest/events";
import { env } from "@/lib/env";
import { generateCallsPerEndpoint } from "@/lib/generation/calls-in-flight";
import { deadLetterGeneration, runGeneration } from "@/lib/generation/run-generation";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";

const PAUSE_POLL = "30s";
const MAX_PAUSE_POLLS = 2 * 60 * 24; // a day of waiting on a paused endpoint before giving up
const BUDGET_HOLD_POLL = "5m"; // × MAX_PAUSE_POLLS: ten days of waiting on a budget or a held campaign
// Every slot of the endpoint's own limit was taken for the whole in-step wait: yield the runner
// slot for a moment so queued work for other endpoints (and this one's waiting steps) can run.
const SLOT_POLL = "2s";
/**
 * Inngest allows 1,000 steps per function run, and each wait is two (the attempt and the sleep):
 * after KILN_GENERATION_WAITS_PER_RUN waits (400) the run hands on to a fresh run of the same
 * generation (a continuation event carrying the counts) and ends, well inside the limit.
 */
const WAITS_PER_RUN = env().KILN_GENERATION_WAITS_PER_RUN;

/**
 * kiln/generation.requested → one image. Concurrency is limited per GPU endpoint — by the
 * endpoint's own `concurrency_limit` (a slot lease in the database, lib/generation/provider-slots.ts),
 * under the ceiling KILN_PROVIDER_CONCURRENCY, with twice that many calls per endpoint key so the
 * bookkeeping around each call happens while the slots are busy (lib/generation/calls-in-flight.ts)
 * — and throttled per user; transient provider failures retry with backoff, content-filter and 4xx do not; when
 * it gives up, onFailure dead-letters the generation with a reason code.
 */
export const generateImage = inngest.createFunction(
  {
    id: "generation-generate-image",
    name: "Generate image",
    triggers: [generationRequested],
    retries: 4,
    concurrency: [{ key: "event.data.providerId", limit: generateCallsPerEndpoint() }],
    throttle: { key: "event.data.userId", limit: env().KILN_USER_GENERATIONS_PER_MINUTE, period: "1m" },
    cancelOn: [{ event: batchCancelled, match: "data.batchId" }],
    onFailure: async ({ event, error, step }) => {
      await step.run("dead-letter", async () => {
        const { db } = await getDatabase();
        const code =
          (error as { name?: string }).name === "NonRetriableError"
            ? codeFromMessage(error.message)
            : "provider_failed";
        await deadLetterGeneration({
          db,
          generationId: event.data.event.data.generationId,
          code,
          message: error.message,
        });
      });
    },
  },
  async ({ event, step, attempt }) => {
    // A paused endpoint parks the work (durably) without spending retries until it is resumed; if an
    // admin moves the work to another endpoint meanwhile, that move sent its own request and this one ends.
    // Waits for a busy endpoint do not count against the paused-endpoint limit: a deep queue is normal.
    let { pauses, holds } = event.data.waited ?? { pauses: 0, holds: 0 };
    for (let i = 0; pauses < MAX_PAUSE_POLLS; i += 1) {
      if (i >= WAITS_PER_RUN) {
        const continuation = (event.data.waited?.continuation ?? 0) + 1;
        await step.sendEvent(
          "continue-waiting",
          generationRequested.create(
            { ...event.data, waited: { pauses, holds, continuation } },
            { id: `generation-continue-${event.id ?? `${event.data.generationId}-${continuation}`}` },
          ),
        );
        return { status: "continued" as const, continuation };
      }
      const outcome = await step.run(i === 0 ? "generate" : `generate-after-pause-${i}`, async () => {
        const { db } = await getDatabase();
        try {
          const out = await runGeneration({
            db,
            store: getBlobStore(),
            generationId: event.data.generationId,
            attempt,
            requestedProviderId: event.data.providerId,
          });
          // Sent from inside the step: a repeat after a crash is deduplicated by the event id. The
          // check run makes the renditions first (outside the GPU slot), then checks.
          if (out.status === "succeeded")
            await inngest.send(
              checkRequested.create(
                { checkRunId: out.checkRunId, generationId: out.generationId },
                { id: `check-requested-${out.checkRunId}` },
              ),
            );
          return out;
        } catch (error) {
          if (error instanceof ProviderError && !error.retryable)
            throw new NonRetriableError(`[${error.kind}] ${error.message}`, { cause: error });
          throw error;
        }
      });
      if (outcome.status === "held") {
        // Budgets: a held campaign or a used-up budget waits the same durable way, polled less often,
        // and woken when a budget changes, a hold is released or a period begins. Only polls that
        // ran out count towards the ten days; a wake-up that finds the work still held does not.
        if (holds + 1 >= MAX_PAUSE_POLLS)
          throw new NonRetriableError(
            `[budget_held] The work waited ten days: ${outcome.reason}. Retry it once the budget allows.`,
          );
        const woken = await step.waitForEvent(`budget-held-${i}`, {
          event: generationResumed,
          timeout: BUDGET_HOLD_POLL,
          if: "async.data.scope == 'budgets'",
        });
        if (!woken) holds += 1;
        continue;
      }
      if (outcome.status === "system_paused") {
        // An admin paused all generation: wait without a limit (nothing queued is dropped) until
        // the resume's event, or the poll if that event is missed (sent before this wait began).
        await step.waitForEvent(`generation-paused-${i}`, {
          event: generationResumed,
          timeout: PAUSE_POLL,
          if: "async.data.scope == 'all'",
        });
        continue;
      }
      if (outcome.status === "waiting_for_slot") {
        await step.sleep(`endpoint-busy-${i}`, SLOT_POLL);
        continue;
      }
      if (outcome.status !== "paused") return outcome;
      // Woken by the endpoint's resume (admin-pause.ts), else by the poll; only polls count towards the day.
      const woken = await step.waitForEvent(`endpoint-paused-${i}`, {
        event: generationResumed,
        timeout: PAUSE_POLL,
        if: "async.data.scope == 'endpoint' && async.data.providerId == event.data.providerId",
      });
      if (!woken) pauses += 1;
    }
    throw new NonRetriableError(
      "[provider_paused] The GPU endpoint stayed paused for a day; the work was parked here.",
    );
  },
);

/** The reason code a user sees, from the "[kind] message" form thrown above. */
function codeFromMessage(message: string): string {
  return /^\[([a-z_]+)\]/.exec(message)?.[1] ?? "failed";
}
