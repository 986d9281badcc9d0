import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { sweepRightsExpiry } from "@/lib/rights/sweep";

/**
 * Hourly: the week-before notices of ending usage rights, once per expiry (lib/rights/sweep.ts).
 * A cron trigger: Inngest runs it, and so does the embedded runner (inngest/runner/cron.ts).
 */
export const sweepRightsExpiryFn = inngest.createFunction(
  {
    id: "rights-sweep-expiry",
    name: "Usage rights: week-before notices",
    triggers: [{ cron: "0 * * * *" }],
    retries: 3,
    // One sweep at a time; the claim in the sweep makes an overlap harmless anyway.
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const result = await step.run("notify-expiring", async () => {
      const { db } = await getDatabase();
      return sweepRightsExpiry({ db });
    });
    return { notified: result.notified.length };
  },
);
