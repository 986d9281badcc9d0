import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { generations } from "./generations";
import { presets } from "./presets";
import { presetVersions } from "./preset-versions";
import { providers } from "./providers";
import { users } from "./users";

/**
 * Installation-wide kill switches (lib/operations/switches.ts). One row per switch that has ever
 * been set; a missing row means "off". Every change is audited; the status banner reads these.
 */
export const SYSTEM_SWITCHES = ["uploads_disabled", "generation_paused"] as const;
export type SystemSwitchKey = (typeof SYSTEM_SWITCHES)[number];
export const systemSwitchEnum = pgEnum("system_switch", SYSTEM_SWITCHES);

export const systemSwitches = pgTable("system_switches", {
  key: systemSwitchEnum("key").primaryKey(),
  enabled: boolean("enabled").notNull().default(false),
  /** Shown to users in the status banner while the switch is on. */
  reason: text("reason"),
  changedBy: uuid("changed_by").references(() => users.id),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});
export type SystemSwitch = typeof systemSwitches.$inferSelect;

/**
 * Automatic failover (lib/operations/failover.ts): an endpoint's health, from its recent error rate
 * and a periodic probe, and the preset its queued work moves to while it is unhealthy.
 */
export const ENDPOINT_HEALTH = ["healthy", "degraded", "unhealthy"] as const;
export type EndpointHealth = (typeof ENDPOINT_HEALTH)[number];
export const endpointHealthEnum = pgEnum("endpoint_health", ENDPOINT_HEALTH);

export const providerHealth = pgTable("provider_health", {
  providerId: uuid("provider_id")
    .primaryKey()
    .references(() => providers.id, { onDelete: "cascade" }),
  state: endpointHealthEnum("state").notNull().default("healthy"),
  /** Plain words: "12 of 20 calls failed in 10 minutes", "probe: connection refused". */
  reason: text("reason"),
  /** Where queued work of this endpoint's tier goes while it is unhealthy; null = no failover. */
  fallbackPresetId: uuid("fallback_preset_id").references(() => presets.id, { onDelete: "set null" }),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  probedAt: timestamp("probed_at", { withTimezone: true }),
});
export type ProviderHealth = typeof providerHealth.$inferSelect;

/** One generation moved to another endpoint (by failover or by an admin); shown on the Jobs page. */
export const generationMoves = pgTable(
  "generation_moves",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    generationId: uuid("generation_id")
      .notNull()
      .references(() => generations.id, { onDelete: "cascade" }),
    batchId: uuid("batch_id").notNull(),
    fromPresetVersionId: uuid("from_preset_version_id")
      .notNull()
      .references(() => presetVersions.id),
    toPresetVersionId: uuid("to_preset_version_id")
      .notNull()
      .references(() => presetVersions.id),
    fromProviderId: uuid("from_provider_id").notNull(),
    toProviderId: uuid("to_provider_id").notNull(),
    /** failover | manual */
    cause: text("cause").notNull(),
    reason: text("reason"),
    movedAt: timestamp("moved_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("generation_moves_batch_idx").on(t.batchId, t.movedAt),
    index("generation_moves_generation_idx").on(t.generationId),
  ],
);
export type GenerationMove = typeof generationMoves.$inferSelect;

/** Alert rules an admin sets (lib/operations/alerts). */
export const ALERT_KINDS = ["endpoint_error_rate", "generation_p95", "review_backlog_age", "spend_rate"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const alertKindEnum = pgEnum("alert_kind", ALERT_KINDS);

export const alertRules = pgTable("alert_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: alertKindEnum("kind").notNull(),
  /** endpoint_error_rate and generation_p95 may watch one endpoint; null = every endpoint. */
  providerId: uuid("provider_id").references(() => providers.id, { onDelete: "cascade" }),
  /** percent (error rate), milliseconds (p95), minutes (backlog age) or micro-dollars per hour (spend rate). */
  threshold: doublePrecision("threshold").notNull(),
  windowMinutes: integer("window_minutes").notNull().default(15),
  /** Where it notifies: in the app (admins), webhooks (alert.* events), e-mail addresses. */
  notifyInApp: boolean("notify_in_app").notNull().default(true),
  notifyWebhooks: boolean("notify_webhooks").notNull().default(false),
  emailTo: jsonb("email_to").$type<string[]>().notNull().default([]),
  enabled: boolean("enabled").notNull().default(true),
  /** ok | firing: an alert notifies when it starts firing and when it resolves, not on every evaluation. */
  state: text("state").notNull().default("ok"),
  firingSince: timestamp("firing_since", { withTimezone: true }),
  lastValue: doublePrecision("last_value"),
  lastEvaluatedAt: timestamp("last_evaluated_at", { withTimezone: true }),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AlertRule = typeof alertRules.$inferSelect;

export const alertEvents = pgTable(
  "alert_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    /** fired | resolved */
    state: text("state").notNull(),
    value: doublePrecision("value"),
    message: text("message").notNull(),
    /** What was sent where: { inApp: n, webhooks: n, email: "sent" | "failed: …" }. */
    notified: jsonb("notified").$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_events_rule_idx").on(t.ruleId, t.occurredAt)],
);
export type AlertEvent = typeof alertEvents.$inferSelect;

/**
 * Verified points of the audit chain (lib/audit/checkpoints.ts): the chain up to `seq` was walked
 * and found whole, ending in `hash`. Each checkpoint is also published, signed, outside the database
 * (blob `blobKey`), so a database administrator cannot rewrite history and the checkpoints with it.
 */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  seq: bigint("seq", { mode: "number" }).primaryKey(),
  hash: text("hash").notNull(),
  eventCount: bigint("event_count", { mode: "number" }).notNull(),
  signature: text("signature").notNull(),
  blobKey: text("blob_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AuditCheckpoint = typeof auditCheckpoints.$inferSelect;
