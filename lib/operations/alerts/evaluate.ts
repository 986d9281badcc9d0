import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { alertEvents, alertRules, type AlertRule } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Actor } from "@/lib/auth/context";
import type { WebhookSender } from "@/lib/webhooks/emit";
import { emailConfigured } from "./mailer";
import { alertMessage, notifyAdminsInApp, notifyOutside, type AlertTransition } from "./notify";
import { endpointNames, measure } from "./values";

export type EvaluationSummary = {
  evaluated: number;
  fired: string[];
  resolved: string[];
  /** Per rule: its value now, in the stored unit. */
  values: Record<string, number | null>;
};

/**
 * Evaluates every enabled rule at `now`. A rule notifies only when it changes state (ok → firing,
 * firing → ok), never on each evaluation. The change is a conditional UPDATE on the state the
 * evaluation saw, so of two processes evaluating at once exactly one wins the transition and sends
 * its notifications; the other finds nothing to update and stays silent.
 */
export async function evaluateAlerts({
  db,
  now = new Date(),
  send,
}: {
  db: Db;
  now?: Date;
  send?: WebhookSender;
}): Promise<EvaluationSummary> {
  const rules = await db
    .select()
    .from(alertRules)
    .where(eq(alertRules.enabled, true))
    .orderBy(asc(alertRules.createdAt));
  const names = await endpointNames(
    db,
    rules.flatMap((r) => (r.providerId ? [r.providerId] : [])),
  );
  const summary: EvaluationSummary = { evaluated: 0, fired: [], resolved: [], values: {} };
  for (const rule of rules) {
    const measured = await measure(db, rule, now);
    summary.evaluated += 1;
    summary.values[rule.id] = measured.value;
    const above = measured.value !== null && measured.value > rule.threshold;
    const to = above ? "firing" : "ok";
    if (to === rule.state) {
      await db
        .update(alertRules)
        .set({ lastValue: measured.value, lastEvaluatedAt: now })
        .where(eq(alertRules.id, rule.id));
      continue;
    }
    const changed = await transition(
      db,
      rule,
      to,
      measured.value,
      measured.detail,
      now,
      rule.providerId ? (names.get(rule.providerId) ?? null) : null,
    );
    if (!changed) continue;
    (to === "firing" ? summary.fired : summary.resolved).push(rule.id);
    await announceOutside(db, changed, send);
  }
  return summary;
}

/** After the transition's commit: webhooks and e-mail, and what they did on the event's record. */
export async function announceOutside(db: Db, changed: AlertTransition, send?: WebhookSender): Promise<void> {
  const outside = await notifyOutside(db, changed, send);
  await db
    .update(alertEvents)
    .set({ notified: { ...changed.event.notified, ...outside } })
    .where(eq(alertEvents.id, changed.event.id));
}

async function transition(
  db: Db,
  seen: AlertRule,
  to: "firing" | "ok",
  value: number | null,
  detail: string,
  now: Date,
  endpointName: string | null,
): Promise<AlertTransition | null> {
  const from = seen.state;
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .update(alertRules)
      .set({ state: to, firingSince: to === "firing" ? now : null, lastValue: value, lastEvaluatedAt: now })
      .where(and(eq(alertRules.id, seen.id), eq(alertRules.state, from), eq(alertRules.enabled, true)))
      .returning();
    // Another evaluation (another process, or "Evaluate now") made this change first: it notifies, not us.
    if (!rule) return null;
    return recordTransition(tx, {
      rule,
      to,
      value,
      detail,
      now,
      endpointName,
      firingSince: to === "firing" ? now : seen.firingSince,
    });
  });
}

/**
 * The record of a rule's change of state, in the transaction that changed it: its event, the admins'
 * in-app notifications and the audit entry. Webhooks and e-mail follow the commit (announceOutside).
 */
export async function recordTransition(
  tx: Tx,
  t: {
    rule: AlertRule;
    to: "firing" | "ok";
    value: number | null;
    detail: string;
    now: Date;
    endpointName: string | null;
    firingSince: Date | null;
    actor?: Actor | null;
  },
): Promise<AlertTransition> {
  const { rule, to, value, detail, now, endpointName } = t;
  const state = to === "firing" ? "fired" : "resolved";
  const message = alertMessage(rule, state, value, detail);
  const inApp = rule.notifyInApp ? await notifyAdminsInApp(tx, message) : "off";
  const notified: Record<string, unknown> = {
    inApp,
    webhooks: rule.notifyWebhooks ? "pending" : "off",
    email:
      rule.emailTo.length === 0 ? "off" : emailConfigured() ? "pending" : "not configured (KILN_SMTP_URL is not set)",
  };
  const [event] = await tx
    .insert(alertEvents)
    .values({ ruleId: rule.id, state, value, message, notified, occurredAt: now })
    .returning();
  await recordAudit({
    db: tx,
    input: {
      actor: t.actor ?? null,
      action: to === "firing" ? "alert.fired" : "alert.resolved",
      subject: { type: "alert_rule", id: rule.id },
      data: { kind: rule.kind, threshold: rule.threshold, value, eventId: event!.id },
    },
  });
  return { rule, event: event!, endpointName, detail, firingSince: t.firingSince };
}
