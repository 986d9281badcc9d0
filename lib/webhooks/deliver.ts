import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  notifications,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { outboundFetch } from "@/lib/net/outbound-fetch";
import { signatureHeader, signingSecrets } from "./secrets";
import { webhookOutboundPolicy } from "./url-policy";

/** Svix and the Standard Webhooks guidance: a receiver answers within 15 s or the attempt failed. */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** How much of the receiver's answer the log keeps. */
export const SNIPPET_BYTES = 1024;

export type DeliverDeps = { db: Db; fetch?: typeof fetch; timeoutMs?: number };

export type AttemptOutcome =
  | {
      outcome: "succeeded" | "failed";
      attempt: number;
      statusCode: number | null;
      error: string | null;
      durationMs: number;
    }
  /** Nothing was sent: the delivery is finished already, gone, or its endpoint is disabled. */
  | { outcome: "skipped"; reason: string };

type Sent = { statusCode: number | null; error: string | null; snippet: string | null; durationMs: number };

/** POSTs the signed body once. Never throws for the receiver's sake: a refusal, timeout or reset is the attempt's error. */
async function send(deps: DeliverDeps, endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<Sent> {
  const started = performance.now();
  const body = JSON.stringify(delivery.payload);
  const at = new Date();
  const doFetch = deps.fetch ?? outboundFetch(webhookOutboundPolicy());
  try {
    const res = await doFetch(endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Kiln-Webhooks/1",
        "webhook-id": delivery.messageId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signatureHeader(signingSecrets(endpoint, at), delivery.messageId, at, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? DELIVERY_TIMEOUT_MS),
    });
    const snippet = await readSnippet(res);
    const ok = res.status >= 200 && res.status < 300;
    return {
      statusCode: res.status,
      error: ok ? null : `HTTP ${res.status}`,
      snippet,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const e = error as Error;
    const message =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `No answer within ${Math.round((deps.timeoutMs ?? DELIVERY_TIMEOUT_MS) / 1000)} s.`
        : describe(e);
    return {
      statusCode: null,
      error: message.slice(0, 500),
      snippet: null,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

function describe(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${e.message} (${cause.code})`;
  return e.message || String(e);
}

/** The first KB of the answer as text; the rest is not read. */
async function readSnippet(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A reset mid-body still leaves the status code, which is what decides the attempt.
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString("utf8");
  return text.length ? text : null;
}

async function load(db: Db, deliveryId: string) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  return row;
}

/**
 * One attempt of one delivery: signed (standardwebhooks, both secrets during a rotation), POSTed
 * through the SSRF policy with a 15 s timeout, recorded as a webhook_attempts row (status code,
 * duration, first KB of the answer). A 2xx answer is a success and resets the endpoint's run of
 * failures; anything else (3xx included) is a failure. `manual`: a person's "Redeliver", which
 * also goes to a finished delivery; `retryInMs`: when the schedule tries next (null on the last).
 */
export async function attemptDelivery(
  deps: DeliverDeps,
  deliveryId: string,
  opts: { manual?: boolean; retryInMs?: number | null } = {},
): Promise<AttemptOutcome> {
  const row = await load(deps.db, deliveryId);
  if (!row) return { outcome: "skipped", reason: "The delivery no longer exists (its endpoint was deleted)." };
  const { delivery, endpoint } = row;
  if (!opts.manual && (delivery.status === "succeeded" || delivery.status === "failed"))
    return { outcome: "skipped", reason: `The delivery already ${delivery.status}.` };
  if (endpoint.status !== "enabled") {
    if (!opts.manual) {
      await deps.db
        .update(webhookDeliveries)
        .set({ status: "failed", lastError: "The endpoint is disabled.", nextAttemptAt: null })
        .where(and(eq(webhookDeliveries.id, delivery.id), inArray(webhookDeliveries.status, ["pending", "retrying"])));
    }
    return { outcome: "skipped", reason: "The endpoint is disabled." };
  }

  const sent = await send(deps, endpoint, delivery);
  const ok = sent.error === null;
  const attempt = await deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, delivery.id))
      .for("update");
    if (!current) return 0;
    const n = current.attempts + 1;
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      attempt: n,
      statusCode: sent.statusCode,
      error: sent.error,
      responseSnippet: sent.snippet,
      durationMs: sent.durationMs,
      manual: opts.manual ?? false,
    });
    const status: WebhookDelivery["status"] = ok
      ? "succeeded"
      : opts.manual
        ? current.status === "pending"
          ? "retrying"
          : current.status
        : "retrying";
    await tx
      .update(webhookDeliveries)
      .set({
        attempts: n,
        status,
        lastStatusCode: sent.statusCode,
        lastError: sent.error,
        deliveredAt: ok ? new Date() : current.deliveredAt,
        nextAttemptAt:
          ok || opts.retryInMs == null ? (ok ? null : current.nextAttemptAt) : new Date(Date.now() + opts.retryInMs),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
    if (ok && endpoint.consecutiveFailures > 0)
      await tx.update(webhookEndpoints).set({ consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, endpoint.id));
    return n;
  });
  return {
    outcome: ok ? "succeeded" : "failed",
    attempt,
    statusCode: sent.statusCode,
    error: sent.error,
    durationMs: sent.durationMs,
  };
}

/**
 * The schedule is spent and the last attempt failed: the delivery is failed, and the endpoint's run
 * of failed deliveries grows. At KILN_WEBHOOK_DISABLE_AFTER the endpoint is disabled with the
 * reason, audited, and its owner (a team endpoint: whoever registered it) is notified in the app.
 */
export async function giveUpDelivery(
  deps: { db: Db },
  deliveryId: string,
): Promise<{ failed: boolean; disabled: boolean }> {
  const limit = env().KILN_WEBHOOK_DISABLE_AFTER;
  return deps.db.transaction(async (tx) => {
    const [failed] = await tx
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.id, deliveryId), inArray(webhookDeliveries.status, ["pending", "retrying"])))
      .returning();
    if (!failed) return { failed: false, disabled: false };
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, failed.endpointId))
      .returning();
    if (!endpoint || endpoint.status !== "enabled" || endpoint.consecutiveFailures < limit)
      return { failed: true, disabled: false };
    const last = failed.lastStatusCode ? `HTTP ${failed.lastStatusCode}` : (failed.lastError ?? "no answer");
    const reason = `Disabled after ${endpoint.consecutiveFailures} deliveries in a row failed every attempt (last: ${last}).`;
    await tx
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: reason, updatedAt: new Date() })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await tx.insert(notifications).values({
      userId: endpoint.ownerUserId ?? endpoint.createdBy,
      kind: "webhook.endpoint_disabled",
      message: `Your webhook endpoint ${endpoint.url} was disabled: ${reason} Fix the receiver, then enable it again under Developers → Webhooks.`,
    });
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "webhook.endpoint_disabled",
        subject: { type: "webhook_endpoint", id: endpoint.id },
        data: { reason, failures: endpoint.consecutiveFailures },
      },
    });
    return { failed: true, disabled: true };
  });
}
