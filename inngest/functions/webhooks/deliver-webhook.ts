import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { webhookDeliveryRequested } from "@/inngest/events";
import { attemptDelivery, giveUpDelivery } from "@/lib/webhooks/deliver";
import { retrySchedule } from "@/lib/webhooks/schedule";

async function deps() {
  const { db } = await getDatabase();
  return { db };
}

/**
 * kiln/webhook.delivery-requested → attempts on the Standard Webhooks schedule (lib/webhooks/schedule.ts),
 * each a step of its own with a durable sleep between them, so a restart resumes the schedule where
 * it was. A success, or a delivery finished or cut off meanwhile (a person's redelivery succeeded,
 * the endpoint was disabled or deleted), ends the run; the last failure fails the delivery and may
 * disable the endpoint. A step that throws (the database, not the receiver) is retried by the engine.
 */
export const deliverWebhook = inngest.createFunction(
  {
    id: "webhooks-deliver",
    name: "Deliver webhook",
    triggers: [webhookDeliveryRequested],
    retries: 3,
    // A slow receiver holds at most a few attempts at once; sleeping runs hold nothing.
    concurrency: { key: "event.data.endpointId", limit: 4 },
    // The engine's retries spent on a step that kept throwing: the delivery is failed, not left "retrying".
    onFailure: async ({ event, step }) => {
      await step.run("give-up-after-error", async () => giveUpDelivery(await deps(), event.data.event.data.deliveryId));
    },
  },
  async ({ event, step }) => {
    const { deliveryId } = event.data;
    const schedule = await step.run("schedule", () => retrySchedule());
    for (const [i, delay] of schedule.entries()) {
      if (i > 0 && delay > 0) await step.sleep(`wait-before-attempt-${i + 1}`, delay);
      const result = await step.run(`attempt-${i + 1}`, async () =>
        attemptDelivery(await deps(), deliveryId, { retryInMs: schedule[i + 1] ?? null }),
      );
      if (result.outcome !== "failed") return result;
    }
    const end = await step.run("give-up", async () => giveUpDelivery(await deps(), deliveryId));
    return { outcome: "failed", attempts: schedule.length, ...end };
  },
);
