import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { generationResumed } from "@/inngest/events";
import { renewBudgetPeriods } from "@/lib/budgets/rollover";

/**
 * Every 15 minutes: a budget that ran out last period is announced as renewed once its new period
 * has started (lib/budgets/rollover.ts); exactly once per budget and period. Work that budget held
 * is woken then, rather than at its next poll.
 */
export const renewBudgetPeriodsFn = inngest.createFunction(
  {
    id: "operations-renew-budget-periods",
    name: "Budgets: period roll-over",
    triggers: [{ cron: "*/15 * * * *" }],
    retries: 3,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const renewed = await step.run("renew", async () => {
      const { db } = await getDatabase();
      return renewBudgetPeriods({ db });
    });
    if (renewed.length) {
      console.info(`[budgets] new period announced for ${renewed.map((r) => r.label).join(", ")}`);
      await step.sendEvent("wake-held-work", generationResumed.create({ scope: "budgets" }));
    }
    return { renewed: renewed.length };
  },
);
