import { randomUUID } from "node:crypto";
import { asc, desc, eq, inArray } from "drizzle-orm";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { endpointFor, managesEndpoint } from "./access";
import { attemptDelivery, type AttemptOutcome, type DeliverDeps } from "./deliver";
import { defaultSender, messageIdFor, type WebhookSender } from "./emit";
import { TEST_EVENT_TYPE, testEventData, type WebhookBody } from "./event-types";

export type AttemptView = {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  responseSnippet: string | null;
  durationMs: number;
  manual: boolean;
  at: string;
};
export type DeliveryView = {
  id: string;
  messageId: string;
  eventType: string;
  status: "pending" | "retrying" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  payload: unknown;
  attemptLog: AttemptView[];
};

/** The endpoint's delivery log, newest first, each with its attempts. */
export async function listDeliveries({
  ctx,
  endpointId,
  limit = 50,
}: {
  ctx: Ctx;
  endpointId: string;
  limit?: number;
}): Promise<DeliveryView[]> {
  const endpoint = await endpointFor(ctx, endpointId);
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpoint.id))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(Math.min(Math.max(limit, 1), 200));
  const attempts = rows.length
    ? await ctx.db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(webhookAttempts.at), asc(webhookAttempts.attempt))
    : [];
  return rows.map((d) => ({
    id: d.id,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    payload: d.payload,
    attemptLog: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({
        attempt: a.attempt,
        statusCode: a.statusCode,
        error: a.error,
        responseSnippet: a.responseSnippet,
        durationMs: a.durationMs,
        manual: a.manual,
        at: a.at.toISOString(),
      })),
  }));
}

/**
 * A person's "Redeliver": one attempt now, with the same webhook-id (receivers deduplicate on it),
 * whatever the delivery's state; audited. A success marks the delivery succeeded.
 */
export async function redeliver({
  ctx,
  deliveryId,
  deps,
}: {
  ctx: Ctx;
  deliveryId: string;
  deps?: Omit<DeliverDeps, "db">;
}): Promise<AttemptOutcome> {
  const [row] = /^[0-9a-f-]{36}$/i.test(deliveryId)
    ? await ctx.db
        .select({ endpoint: webhookEndpoints, deliveryId: webhookDeliveries.id })
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(eq(webhookDeliveries.id, deliveryId))
        .limit(1)
    : [];
  if (!row || !managesEndpoint(ctx, row.endpoint)) throw new AppError("not_found", "That delivery does not exist.");
  await endpointFor(ctx, row.endpoint.id); // the role check
  if (row.endpoint.status !== "enabled")
    throw new AppError("conflict", "The endpoint is disabled; enable it before redelivering.");
  const outcome = await attemptDelivery({ db: ctx.db, ...deps }, deliveryId, { manual: true });
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "webhook.redelivered",
      subject: { type: "webhook_endpoint", id: row.endpoint.id },
      data: {
        deliveryId,
        outcome: outcome.outcome,
        ...(outcome.outcome !== "skipped" ? { statusCode: outcome.statusCode } : {}),
      },
      ip: ctx.ip,
    },
  });
  return outcome;
}

/** "Send test event": a `webhook.test` delivery through the same engine path and schedule as real events. */
export async function sendTestEvent({
  ctx,
  endpointId,
  send,
}: {
  ctx: Ctx;
  endpointId: string;
  send?: WebhookSender;
}): Promise<{ deliveryId: string }> {
  const endpoint = await endpointFor(ctx, endpointId);
  if (endpoint.status !== "enabled")
    throw new AppError("conflict", "The endpoint is disabled; enable it before sending a test event.");
  const payload: WebhookBody = {
    type: TEST_EVENT_TYPE,
    timestamp: new Date().toISOString(),
    data: testEventData.parse({
      endpoint_id: endpoint.id,
      message: `Test event sent by ${ctx.actor.name} from the Kiln console.`,
    }),
  };
  const [delivery] = await ctx.db
    .insert(webhookDeliveries)
    .values({
      endpointId: endpoint.id,
      messageId: messageIdFor(TEST_EVENT_TYPE, randomUUID()),
      eventType: TEST_EVENT_TYPE,
      payload,
    })
    .returning({ id: webhookDeliveries.id });
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "webhook.test_sent",
      subject: { type: "webhook_endpoint", id: endpoint.id },
      data: { deliveryId: delivery!.id },
      ip: ctx.ip,
    },
  });
  await (send ?? (await defaultSender()))([{ deliveryId: delivery!.id, endpointId: endpoint.id }]);
  return { deliveryId: delivery!.id };
}
