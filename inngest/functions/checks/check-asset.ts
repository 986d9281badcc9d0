import { NonRetriableError } from "inngest";
import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { checkRequested } from "@/inngest/events";
import { generationSender } from "@/inngest/send";
import { draftAltTextOnApproval } from "@/lib/alt-text/hook";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { checkRunTier } from "@/lib/checks/run-queries";
import { checkSteps } from "@/lib/checks/registry";
import { checkFunctionConcurrency } from "@/lib/generation/calls-in-flight";
import { makeGenerationRenditions } from "@/lib/generation/run-generation";
import { runChecks } from "@/lib/checks/run-checks";
import { AppError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import { webhooksAfterCheckDecision } from "@/lib/webhooks/hooks";

function nonRetriableIfMissing(error: unknown): never {
  if (error instanceof AppError && error.code === "not_found")
    throw new NonRetriableError(error.message, { cause: error });
  throw error;
}

const RETRIES = 3;

/**
 * kiln/check.requested → for a new generation, its thumbnail and preview first (decision 0031); then
 * the automated checks of one asset version, each group a step (a crash resumes at the next
 * unfinished check), then the decision, and a re-roll request if one was made. Runs as many at once
 * as the generate function's calls per endpoint, or twice the cores when that is more, so checks
 * keep pace with the endpoints (lib/generation/calls-in-flight.ts).
 */
export const checkAsset = inngest.createFunction(
  {
    id: "checks-check-asset",
    name: "Check asset",
    triggers: [checkRequested],
    retries: RETRIES,
    concurrency: { limit: checkFunctionConcurrency() },
  },
  async ({ event, step, attempt, logger }) => {
    const { checkRunId, generationId } = event.data;
    if (generationId)
      await step.run("renditions", async () => {
        const { db } = await getDatabase();
        try {
          return await makeGenerationRenditions({ db, store: getBlobStore(), generationId });
        } catch (error) {
          // Missing renditions must not keep the image from its checks: a missing image is left to the
          // checks to report, and any other failure is retried with the run, then given up on its last attempt.
          if ((error instanceof AppError && error.code === "not_found") || attempt >= RETRIES) {
            logger.warn({ generationId, err: error }, "renditions not made; checking the image");
            return { skipped: (error as Error).message };
          }
          throw error;
        }
      });
    const tier = await step.run("load", async () => {
      const { db } = await getDatabase();
      return checkRunTier(db, checkRunId).catch(nonRetriableIfMissing);
    });
    for (const group of checkSteps(tier)) {
      await step.run(group.name, async () => {
        const { db } = await getDatabase();
        return runChecks({ db, store: getBlobStore(), checkRunId, checkIds: group.checkIds }).catch(
          nonRetriableIfMissing,
        );
      });
    }
    return step.run("decide", async () => {
      const { db } = await getDatabase();
      const { assetId, decision, applied, reroll } = await decideCheckRun({ db, checkRunId });
      if (reroll) await generationSender.generationsRequested([reroll]);
      if (applied && decision.next === "approved") await draftAltTextOnApproval({ db, assetIds: [assetId] });
      if (applied && decision.next !== "in_review") await webhooksAfterCheckDecision({ db }, checkRunId);
      return {
        verdict: decision.verdict,
        reasonCode: decision.reasonCode,
        next: decision.next,
        applied,
        rerolled: reroll?.generationId ?? null,
      };
    });
  },
);
