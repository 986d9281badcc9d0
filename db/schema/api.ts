import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { teams } from "./teams";
import { users } from "./users";

/**
 * API tokens for /api/v1 (lib/api-tokens). A token acts as its owner: the owner's role (read on every
 * request), the permission table and the visibility rules apply, narrowed further by the token's scopes.
 * Only the sha256 of the token is stored; the first characters are kept to tell tokens apart.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Whom the token acts as: the person who made it, or a service account an admin made it for. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** "kiln_api_4f9a…" — the first 16 characters. */
    tokenHint: text("token_hint").notNull(),
    /** lib/api-tokens/scopes.ts: "assets:read", "generations:write", … (write implies read). */
    scopes: text("scopes").array().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    lastUsedIp: text("last_used_ip"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("api_tokens_hash_key").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId, t.createdAt)],
);

export type ApiToken = typeof apiTokens.$inferSelect;

export const idempotencyStateEnum = pgEnum("idempotency_state", ["in_progress", "done"]);

/**
 * Stripe's Idempotency-Key semantics for every POST under /api/v1: the first request with a key
 * stores its response; the same key and body again get that response back; a different body is refused.
 */
export const apiIdempotencyKeys = pgTable(
  "api_idempotency_keys",
  {
    tokenId: uuid("token_id")
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** "POST /api/v1/batches" — a key reused on another route is a different body. */
    route: text("route").notNull(),
    /** sha256 of the method, path and body bytes. */
    requestHash: text("request_hash").notNull(),
    state: idempotencyStateEnum("state").notNull().default("in_progress"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] }), index("api_idempotency_keys_created_idx").on(t.createdAt)],
);

/** Per-token request counts in fixed windows (shared by every web process through the database). */
export const apiRateWindows = pgTable(
  "api_rate_windows",
  {
    tokenId: uuid("token_id")
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.windowStart] })],
);

export const webhookEndpointStatusEnum = pgEnum("webhook_endpoint_status", ["enabled", "disabled"]);

/**
 * Where Kiln sends events (lib/webhooks). An endpoint belongs to one user or one team; it only ever
 * receives events about things its owner may see. Secrets are sealed (lib/crypto/secret-box).
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerUserId: uuid("owner_user_id").references(() => users.id),
    teamId: uuid("team_id").references(() => teams.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** lib/webhooks/event-types.ts: "asset.approved", "batch.completed", … */
    events: text("events").array().notNull(),
    /** The sealed "whsec_…" secret deliveries are signed with. */
    secretSealed: text("secret_sealed").notNull(),
    /** After a rotation the old secret also signs (two signatures) until this time. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    status: webhookEndpointStatusEnum("status").notNull().default("enabled"),
    disabledReason: text("disabled_reason"),
    /** Deliveries that finally failed in a row; reset by a success. Reaching the limit disables the endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_endpoints_owner_idx").on(t.ownerUserId),
    index("webhook_endpoints_team_idx").on(t.teamId),
    check("webhook_endpoints_one_owner", sql`(${t.ownerUserId} is null) <> (${t.teamId} is null)`),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", [
  "pending",
  "retrying",
  "succeeded",
  "failed",
]);

/** One event for one endpoint. Its id is the Standard Webhooks `webhook-id` (the same on every attempt). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** "msg_…": the webhook-id header; a redelivery keeps it so receivers can deduplicate. */
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The JSON body sent: {type, timestamp, data}. */
    payload: jsonb("payload").notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_message_key").on(t.endpointId, t.messageId),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** Every attempt of a delivery: the log an endpoint's owner reads. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    /** The first 1 KB of the receiver's answer. */
    responseSnippet: text("response_snippet"),
    durationMs: integer("duration_ms").notNull(),
    /** Sent again by a person ("Redeliver") rather than by the retry schedule. */
    manual: boolean("manual").notNull().default(false),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.at)],
);

export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
