import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { evaluateAlerts } from "@/lib/operations/alerts/evaluate";

/**
 * Every minute: the enabled alert rules (lib/operations/alerts/evaluate.ts). One run at a time;
 * a second process or "Evaluate now" racing it is harmless (the state change is a conditional UPDATE).
 * No retries: the next minute's run is the retry, and a retried step could e-mail twice.
 */
export const evaluateAlertsFn = inngest.createFunction(
  {
    id: "operations-evaluate-alerts",
    name: "Operations: evaluate alert rules",
    triggers: [{ cron: "* * * * *" }],
    retries: 0,
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("evaluate", async () => {
      const { db } = await getDatabase();
      return evaluateAlerts({ db });
    }),
);
