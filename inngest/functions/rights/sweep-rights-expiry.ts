import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { rightsSweepRequested } from "@/inngest/events";
import { sweepRightsExpiry } from "@/lib/rights/sweep";

/** kiln/rights.sweep-requested (hourly) → the week-before notices of ending usage rights, once per expiry. */
export const sweepRightsExpiryFn = inngest.createFunction(
  {
    id: "rights-sweep-expiry",
    name: "Usage rights: week-before notices",
    triggers: [rightsSweepRequested],
    retries: 3,
    // One sweep at a time; the claim in the sweep makes an overlap harmless anyway.
    concurrency: { limit: 1 },
  },
  async ({ event, step }) => {
    const result = await step.run("notify-expiring", async () => {
      const { db } = await getDatabase();
      return sweepRightsExpiry({ db });
    });
    return { hour: event.data.hour, notified: result.notified.length };
  },
);
