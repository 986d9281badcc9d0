import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { ALERT_KINDS, alertEvents, alertRules, providers, type AlertKind, type AlertRule } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { announceOutside, evaluateAlerts, recordTransition, type EvaluationSummary } from "./evaluate";
import { describeRule, formatUtc, formatValue, KIND_INFO, toDisplay, toStored } from "./kinds";
import { emailConfigured } from "./mailer";
import type { AlertTransition } from "./notify";
import { endpointNames } from "./values";

/** Admin verbs for alert rules: each checks the permission, validates, and audits in its transaction. */
function assertCanManageAlerts(ctx: Ctx): void {
  if (!can(ctx.actor.role, "alerts.manage")) throw new AppError("forbidden", "Only admins manage alerts.");
}

const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());
const emails = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : (v ?? [])),
  z
    .array(z.string())
    .max(10, "At most 10 recipients.")
    .superRefine((list, c) => {
      // One message for the whole field (the form shows errors per field, not per address).
      const bad = list.filter((e) => !z.email().safeParse(e).success);
      if (bad.length)
        c.addIssue({
          code: "custom",
          message: `Not an e-mail address: ${bad.join(", ")} (separate addresses with commas).`,
        });
    }),
);

/** Thresholds arrive in the display unit (percent, seconds, minutes, dollars per hour). */
const ruleInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Give the rule a name.")
      .max(100, "Names are at most 100 characters.")
      .refine((v) => !/[\r\n]/.test(v), "One line, please."),
    kind: z.enum(ALERT_KINDS, { error: "Choose what the rule watches." }),
    providerId: z.preprocess(
      (v) => (v === "" || v === "all" ? null : v),
      z.string().uuid("Unknown GPU endpoint.").nullable().default(null),
    ),
    threshold: z.coerce
      .number({ error: "The limit must be a number." })
      .finite("The limit must be a number.")
      .positive("The limit must be above zero."),
    windowMinutes: z.coerce
      .number()
      .int("Whole minutes, please.")
      .min(1, "At least 1 minute.")
      .max(1440, "At most 24 hours (1440 minutes).")
      .default(15),
    notifyInApp: checkbox,
    notifyWebhooks: checkbox,
    emailTo: emails,
  })
  .superRefine((v, c) => {
    if (v.kind === "endpoint_error_rate" && v.threshold >= 100)
      c.addIssue({ code: "custom", path: ["threshold"], message: "An error rate limit is below 100%." });
  });
const updateInput = z.object({ id: z.string().uuid("Unknown rule.") }).and(ruleInput);
const idInput = z.object({ id: z.string().uuid("Unknown rule.") });

type ParsedRule = z.infer<typeof ruleInput>;

async function storedFields(ctx: Ctx, v: ParsedRule) {
  const info = KIND_INFO[v.kind];
  const providerId = info.perEndpoint ? v.providerId : null;
  if (providerId) {
    const [p] = await ctx.db.select({ id: providers.id }).from(providers).where(eq(providers.id, providerId)).limit(1);
    if (!p)
      throw new AppError("invalid_input", "That GPU endpoint does not exist.", {
        fields: { providerId: ["Unknown GPU endpoint."] },
      });
  }
  return {
    name: v.name,
    kind: v.kind,
    providerId,
    threshold: toStored(v.kind, v.threshold),
    windowMinutes: info.usesWindow ? v.windowMinutes : 15,
    notifyInApp: v.notifyInApp,
    notifyWebhooks: v.notifyWebhooks,
    emailTo: [...new Set(v.emailTo.map((e) => e.toLowerCase()))],
  };
}

function auditData(rule: AlertRule) {
  return {
    name: rule.name,
    kind: rule.kind,
    providerId: rule.providerId,
    threshold: rule.threshold,
    windowMinutes: rule.windowMinutes,
    notifyInApp: rule.notifyInApp,
    notifyWebhooks: rule.notifyWebhooks,
    emailTo: rule.emailTo,
  };
}

export async function createAlertRule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AlertRule> {
  assertCanManageAlerts(ctx);
  const fields = await storedFields(ctx, parseInput(ruleInput, input));
  return ctx.db.transaction(async (tx) => {
    const [rule] = await tx
      .insert(alertRules)
      .values({ ...fields, createdBy: ctx.actor.id })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "alert_rule.created",
        subject: { type: "alert_rule", id: rule!.id },
        data: auditData(rule!),
        ip: ctx.ip,
      },
    });
    return rule!;
  });
}

/** Changing what a rule watches (kind or endpoint) starts it afresh as OK; a new limit is judged at the next evaluation. */
export async function updateAlertRule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AlertRule> {
  assertCanManageAlerts(ctx);
  const { id, ...rest } = parseInput(updateInput, input);
  const fields = await storedFields(ctx, rest);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(alertRules).where(eq(alertRules.id, id)).for("update");
    if (!before) throw new AppError("not_found", "That alert rule no longer exists.");
    const restart = before.kind !== fields.kind || before.providerId !== fields.providerId;
    const [rule] = await tx
      .update(alertRules)
      .set({
        ...fields,
        updatedAt: new Date(),
        ...(restart ? { state: "ok", firingSince: null, lastValue: null, lastEvaluatedAt: null } : {}),
      })
      .where(eq(alertRules.id, id))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "alert_rule.updated",
        subject: { type: "alert_rule", id },
        data: { before: auditData(before), after: auditData(rule!) },
        ip: ctx.ip,
      },
    });
    return rule!;
  });
}

async function setEnabled(ctx: Ctx, input: unknown, enabled: boolean): Promise<AlertRule> {
  assertCanManageAlerts(ctx);
  const { id } = parseInput(idInput, input);
  let resolved: AlertTransition | null = null;
  const updated = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(alertRules).where(eq(alertRules.id, id)).for("update");
    if (!before) throw new AppError("not_found", "That alert rule no longer exists.");
    // A disabled rule is not firing: it starts from OK when it is enabled again.
    const [rule] = await tx
      .update(alertRules)
      .set({ enabled, updatedAt: new Date(), ...(enabled ? {} : { state: "ok", firingSince: null }) })
      .where(eq(alertRules.id, id))
      .returning();
    // Disabling a firing rule ends its episode: whoever was told it fired (a pager, a channel) is told
    // it is resolved, and why, rather than left with an incident nothing will ever close.
    if (!enabled && before.enabled && before.state === "firing") {
      resolved = await recordTransition(tx, {
        rule: rule!,
        to: "ok",
        value: before.lastValue,
        detail: `the rule was disabled by ${ctx.actor.name || ctx.actor.email}`,
        now: new Date(),
        endpointName: before.providerId
          ? ((await endpointNames(tx, [before.providerId])).get(before.providerId) ?? null)
          : null,
        firingSince: before.firingSince,
        actor: ctx.actor,
      });
    }
    if (before.enabled !== enabled)
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: enabled ? "alert_rule.enabled" : "alert_rule.disabled",
          subject: { type: "alert_rule", id },
          data: { name: before.name, wasFiring: before.state === "firing" },
          ip: ctx.ip,
        },
      });
    return rule!;
  });
  if (resolved) await announceOutside(ctx.db, resolved);
  return updated;
}

export const enableAlertRule = ({ ctx, input }: { ctx: Ctx; input: unknown }) => setEnabled(ctx, input, true);
export const disableAlertRule = ({ ctx, input }: { ctx: Ctx; input: unknown }) => setEnabled(ctx, input, false);

export async function deleteAlertRule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  assertCanManageAlerts(ctx);
  const { id } = parseInput(idInput, input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(alertRules).where(eq(alertRules.id, id)).returning();
    if (!row) throw new AppError("not_found", "That alert rule no longer exists.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "alert_rule.deleted",
        subject: { type: "alert_rule", id },
        data: auditData(row),
        ip: ctx.ip,
      },
    });
  });
}

/** "Evaluate now": the same evaluation the minute cron runs, audited as the admin's. */
export async function evaluateAlertsNow({ ctx }: { ctx: Ctx }): Promise<EvaluationSummary> {
  assertCanManageAlerts(ctx);
  const summary = await evaluateAlerts({ db: ctx.db });
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "alert_rule.evaluated",
      data: { evaluated: summary.evaluated, fired: summary.fired, resolved: summary.resolved },
      ip: ctx.ip,
    },
  });
  return summary;
}

/** What the admin page shows of a rule: display units and words only. */
export type AlertRuleView = {
  id: string;
  name: string;
  kind: AlertKind;
  kindLabel: string;
  description: string;
  providerId: string | null;
  endpointName: string | null;
  /** In the display unit, for the edit form. */
  threshold: number;
  windowMinutes: number;
  notifyInApp: boolean;
  notifyWebhooks: boolean;
  emailTo: string[];
  enabled: boolean;
  firing: boolean;
  /** Formatted on the server ("5 Dec 2026, 03:12 UTC"). */
  firingSince: string | null;
  /** In words in the rule's unit ("12.5%", "$1.20 per hour"); null before the first evaluation. */
  lastValue: string | null;
  lastEvaluatedAt: string | null;
};

export async function listAlertRules({ ctx }: { ctx: Ctx }): Promise<AlertRuleView[]> {
  assertCanManageAlerts(ctx);
  const rows = await ctx.db
    .select({ rule: alertRules, endpointName: providers.name })
    .from(alertRules)
    .leftJoin(providers, eq(providers.id, alertRules.providerId))
    .orderBy(desc(alertRules.createdAt));
  return rows.map(({ rule: r, endpointName }) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    kindLabel: KIND_INFO[r.kind].label,
    description: describeRule(r, endpointName),
    providerId: r.providerId,
    endpointName,
    threshold: toDisplay(r.kind, r.threshold),
    windowMinutes: r.windowMinutes,
    notifyInApp: r.notifyInApp,
    notifyWebhooks: r.notifyWebhooks,
    emailTo: r.emailTo,
    enabled: r.enabled,
    firing: r.state === "firing",
    firingSince: r.firingSince ? formatUtc(r.firingSince) : null,
    lastValue: r.lastEvaluatedAt ? formatValue(r.kind, r.lastValue) : null,
    lastEvaluatedAt: r.lastEvaluatedAt ? formatUtc(r.lastEvaluatedAt) : null,
  }));
}

export type AlertEventView = {
  id: string;
  ruleName: string;
  state: "fired" | "resolved";
  value: string;
  message: string;
  notified: string;
  occurredAt: string;
};

const CHANNEL_LABEL: Record<string, string> = { inApp: "In the app", webhooks: "Webhooks", email: "E-mail" };

/** What alert_events.notified says, in words: "In the app: 2 admins · Webhooks: off · E-mail: sent to ops@example.com". */
export function describeNotified(notified: Record<string, unknown>): string {
  return Object.entries(CHANNEL_LABEL)
    .filter(([key]) => key in notified)
    .map(([key, label]) => {
      const v = notified[key];
      if (key === "inApp" && typeof v === "number") return `${label}: ${v} admin${v === 1 ? "" : "s"}`;
      if (key === "webhooks" && typeof v === "number") return `${label}: ${v} deliver${v === 1 ? "y" : "ies"}`;
      return `${label}: ${String(v)}`;
    })
    .join(" · ");
}

export async function listAlertEvents({ ctx, limit = 30 }: { ctx: Ctx; limit?: number }): Promise<AlertEventView[]> {
  assertCanManageAlerts(ctx);
  const rows = await ctx.db
    .select({ event: alertEvents, rule: { name: alertRules.name, kind: alertRules.kind } })
    .from(alertEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
    .orderBy(desc(alertEvents.occurredAt))
    .limit(limit);
  return rows.map(({ event: e, rule }) => ({
    id: e.id,
    ruleName: rule.name,
    state: e.state === "fired" ? "fired" : "resolved",
    value: formatValue(rule.kind, e.value),
    message: e.message,
    notified: describeNotified(e.notified),
    occurredAt: formatUtc(e.occurredAt),
  }));
}

/** For the form: which endpoints a rule may watch, and whether e-mail can be sent at all. */
export async function alertFormOptions({ ctx }: { ctx: Ctx }) {
  assertCanManageAlerts(ctx);
  const endpoints = await ctx.db
    .select({ id: providers.id, name: providers.name })
    .from(providers)
    .orderBy(providers.name);
  return { endpoints, emailConfigured: emailConfigured() };
}
