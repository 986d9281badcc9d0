import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { notifications, users, type AlertEvent, type AlertRule } from "@/db/schema";
import { env } from "@/lib/env";
import { emitWebhookEvent, type WebhookSender } from "@/lib/webhooks/emit";
import { describeRule, formatValue, KIND_INFO } from "./kinds";
import { sendAlertEmail } from "./mailer";

/**
 * The three channels of an alert: in the app (every active admin, kind "alert"), webhooks
 * (alert.fired / alert.resolved to admins' endpoints) and e-mail (the rule's addresses through the
 * operator's SMTP server). What each did is kept on the alert event, never silently dropped.
 */
export type AlertTransition = {
  rule: AlertRule;
  event: AlertEvent;
  endpointName: string | null;
  detail: string;
  /** When this episode started firing (kept for the resolved event, whose rule row no longer has it). */
  firingSince: Date | null;
};

export async function activeAdminIds(db: DbExecutor): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true), eq(users.serviceAccount, false)));
  return rows.map((r) => r.id);
}

/** The line every admin sees in the app (and the webhook carries). */
export function alertMessage(
  rule: AlertRule,
  state: "fired" | "resolved",
  value: number | null,
  detail: string,
): string {
  const now = formatValue(rule.kind, value);
  const limit = formatValue(rule.kind, rule.threshold);
  return state === "fired"
    ? `Alert "${rule.name}" is firing: ${now} (limit ${limit}); ${detail}.`
    : `Alert "${rule.name}" resolved: ${now} (limit ${limit}); ${detail}.`;
}

/** In the same transaction as the transition: one notification per active admin. Returns how many. */
export async function notifyAdminsInApp(db: DbExecutor, message: string): Promise<number> {
  const admins = await activeAdminIds(db);
  if (admins.length)
    await db.insert(notifications).values(admins.map((userId) => ({ userId, kind: "alert", message })));
  return admins.length;
}

function utc(d: Date): string {
  return `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

export function emailFor(t: AlertTransition): { subject: string; text: string } {
  const { rule, event } = t;
  const base = env().appUrl.replace(/\/$/, "");
  const page = KIND_INFO[rule.kind].page;
  const firing = event.state === "fired";
  const subject = `[Kiln] ${firing ? "Alert firing" : "Alert resolved"}: ${rule.name} (${formatValue(rule.kind, event.value)})`;
  const text = [
    firing ? `The alert "${rule.name}" started firing.` : `The alert "${rule.name}" is back to normal.`,
    "",
    `It watches: ${describeRule(rule, t.endpointName)}.`,
    `Now: ${formatValue(rule.kind, event.value)} (${t.detail}).`,
    firing
      ? `Firing since: ${utc(event.occurredAt)}.`
      : `Resolved at: ${utc(event.occurredAt)}${t.firingSince ? `, after firing since ${utc(t.firingSince)}` : ""}.`,
    "",
    `Look at ${page.label}: ${base}${page.href}`,
    `Alert rules and their history: ${base}/admin/alerts`,
    "",
    "You get this e-mail because a Kiln admin put your address on this alert rule.",
  ].join("\n");
  return { subject, text };
}

/** After the transition committed: webhooks and e-mail. Returns what each channel did. */
export async function notifyOutside(
  db: DbExecutor,
  t: AlertTransition,
  send?: WebhookSender,
): Promise<{ webhooks: number | string; email: string }> {
  const { rule, event } = t;
  let webhooks: number | string = "off";
  if (rule.notifyWebhooks) {
    try {
      const admins = await activeAdminIds(db);
      const type = event.state === "fired" ? "alert.fired" : "alert.resolved";
      const { deliveryIds } = await emitWebhookEvent(
        { db, send },
        {
          type,
          key: event.id,
          subject: { userIds: admins },
          at: event.occurredAt,
          data: {
            alert_event_id: event.id,
            rule_id: rule.id,
            rule_name: rule.name,
            kind: rule.kind,
            provider_id: rule.providerId,
            threshold: rule.threshold,
            value: event.value,
            unit: KIND_INFO[rule.kind].storedUnit,
            window_minutes: rule.windowMinutes,
            message: event.message,
            firing_since: t.firingSince?.toISOString() ?? null,
          },
        },
      );
      webhooks = deliveryIds.length;
    } catch (error) {
      webhooks = `failed: ${(error as Error).message}`;
    }
  }
  const email = rule.emailTo.length ? await sendAlertEmail({ to: rule.emailTo, ...emailFor(t) }) : "off";
  return { webhooks, email };
}
