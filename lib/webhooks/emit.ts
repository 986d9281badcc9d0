import { createHash } from "node:crypto";
import { and, arrayContains, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { users, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { WEBHOOK_EVENTS, type WebhookBody, type WebhookEventData, type WebhookEventType } from "./event-types";

/** Hands deliveries to the engine (inngest/send-webhooks.ts): one event per delivery, its id the delivery's. */
export type WebhookSender = (deliveries: { deliveryId: string; endpointId: string }[]) => Promise<void>;

/**
 * Whose event it is. A user endpoint receives events about its owner's own work (and reviewers'
 * decisions on it: the owner is a subject of those); a team endpoint receives events about its
 * team's users, and about the team itself (a team budget).
 */
export type WebhookSubject = { userIds: string[]; teamIds?: string[] };

export type EmitInput<T extends WebhookEventType> = {
  type: T;
  /** What makes this event itself (a decision id, a batch id, …): the same key again is the same event. */
  key: string;
  subject: WebhookSubject;
  data: WebhookEventData<T>;
  /** When it happened; now by default. */
  at?: Date;
};

/**
 * The Standard Webhooks message id, derived from the event: a second emit of the same event finds
 * the same (endpoint, message id) row and makes no second delivery, and receivers can deduplicate
 * on `webhook-id` across redeliveries.
 */
export function messageIdFor(type: string, key: string): string {
  return `msg_${createHash("sha256").update(`${type}\n${key}`).digest("base64url").slice(0, 27)}`;
}

/** The enabled endpoints subscribed to `type` whose owner may see an event about `subject`. */
export async function endpointsFor(db: DbExecutor, type: string, subject: WebhookSubject) {
  const userIds = [...new Set(subject.userIds)];
  const members = userIds.length
    ? await db
        .select({ id: users.id, teamId: users.teamId, active: users.active })
        .from(users)
        .where(inArray(users.id, userIds))
    : [];
  const teamIds = [...new Set([...(subject.teamIds ?? []), ...members.flatMap((m) => (m.teamId ? [m.teamId] : []))])];
  const owners = members.filter((m) => m.active).map((m) => m.id);
  const who = [
    ...(owners.length ? [inArray(webhookEndpoints.ownerUserId, owners)] : []),
    ...(teamIds.length ? [and(isNotNull(webhookEndpoints.teamId), inArray(webhookEndpoints.teamId, teamIds))!] : []),
  ];
  if (who.length === 0) return [];
  return db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.status, "enabled"), arrayContains(webhookEndpoints.events, [type]), or(...who)));
}

/**
 * Records one delivery per interested endpoint and hands each to the engine. Call it after the
 * state change has committed, never inside the product's transaction. Returns the deliveries made.
 */
export async function emitWebhookEvent<T extends WebhookEventType>(
  { db, send }: { db: DbExecutor; send?: WebhookSender },
  input: EmitInput<T>,
): Promise<{ messageId: string; deliveryIds: string[] }> {
  const data = WEBHOOK_EVENTS[input.type].parse(input.data) as Record<string, unknown>;
  const messageId = messageIdFor(input.type, input.key);
  const endpoints = await endpointsFor(db, input.type, input.subject);
  if (endpoints.length === 0) return { messageId, deliveryIds: [] };
  const payload: WebhookBody = { type: input.type, timestamp: (input.at ?? new Date()).toISOString(), data };
  const created = await db
    .insert(webhookDeliveries)
    .values(endpoints.map((e) => ({ endpointId: e.id, messageId, eventType: input.type, payload })))
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId });
  // An earlier emit of this event that stopped between its insert and its send left deliveries nobody
  // announced: send those again too (the engine drops a repeated delivery id).
  const unsent = await db
    .select({ id: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.messageId, messageId),
        inArray(
          webhookDeliveries.endpointId,
          endpoints.map((e) => e.id),
        ),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempts, 0),
      ),
    );
  if (unsent.length)
    await (send ?? (await defaultSender()))(unsent.map((d) => ({ deliveryId: d.id, endpointId: d.endpointId })));
  return { messageId, deliveryIds: created.map((d) => d.id) };
}

/** The engine's sender, loaded only when there is something to send (lib/ stays free of the client otherwise). */
export async function defaultSender(): Promise<WebhookSender> {
  return (await import("@/inngest/send-webhooks")).sendWebhookDeliveries;
}
