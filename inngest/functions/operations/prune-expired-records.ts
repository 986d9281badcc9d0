import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { describeRetention, pruneExpiredRecords } from "@/lib/operations/retention";

/**
 * Hourly retention (lib/operations/retention): finished runner runs and processed events, old sign-in
 * attempts, finished webhook deliveries, expired API idempotency keys and rate windows, each in
 * bounded batches. The id is the one the API prune had before it grew into this: ids are stable.
 */
export const pruneExpiredRecordsFn = inngest.createFunction(
  {
    id: "api-prune-records",
    name: "Retention: prune expired records",
    triggers: [{ cron: "17 * * * *" }],
    retries: 3,
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("prune", async () => {
      const { db } = await getDatabase();
      const result = await pruneExpiredRecords({ db });
      console.info(describeRetention(result));
      return result;
    }),
);
