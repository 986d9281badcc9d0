import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { evaluateEndpoints } from "@/lib/operations/failover/evaluate";

/**
 * Every minute: probe each GPU endpoint, judge its health from the probe and its recent error
 * rate, and move an unhealthy endpoint's queued work to its fallback preset (lib/operations/failover).
 */
export const endpointHealthFn = inngest.createFunction(
  {
    id: "operations-endpoint-health",
    name: "Operations: endpoint health and failover",
    triggers: [{ cron: "* * * * *" }],
    retries: 1,
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("evaluate", async () => {
      const { db } = await getDatabase();
      const verdicts = await evaluateEndpoints({ db });
      return verdicts.map(({ slug, state, changed, moved }) => ({ slug, state, changed, moved }));
    }),
);
