import type { WebhookSender } from "@/lib/webhooks/emit";
import { inngest } from "./client";
import { webhookDeliveryRequested } from "./events";

/** One event per webhook delivery, its id the delivery's: a repeated send delivers once. */
export const sendWebhookDeliveries: WebhookSender = async (deliveries) => {
  for (let i = 0; i < deliveries.length; i += 500)
    await inngest.send(
      deliveries
        .slice(i, i + 500)
        .map((d) =>
          webhookDeliveryRequested.create(
            { deliveryId: d.deliveryId, endpointId: d.endpointId },
            { id: `webhook-delivery-${d.deliveryId}` },
          ),
        ),
    );
};
