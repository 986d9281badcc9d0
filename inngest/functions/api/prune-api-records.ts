import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { pruneApiRecords } from "@/lib/api/prune";

/** Hourly: expired idempotency keys and old rate-limit windows of /api/v1 (lib/api/prune.ts). */
export const pruneApiRecordsFn = inngest.createFunction(
  { id: "api-prune-records", name: "Public API: prune idempotency keys and rate windows", triggers: [{ cron: "17 * * * *" }], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) =>
    step.run("prune", async () => {
      const { db } = await getDatabase();
      return pruneApiRecords({ db });
    }),
);
