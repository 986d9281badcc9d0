import { z } from "zod";

/**
 * The events an endpoint can subscribe to, each with the schema of its `data`. Every body Kiln sends
 * has the Standard Webhooks shape `{type, timestamp, data}`; fields are snake_case like /api/v1,
 * ids are uuids, money is integer micro-dollars with `currency: "usd"`.
 */
const id = z.string().uuid();
const iso = z.string().datetime({ offset: true });

const decision = z.object({
  asset_id: id,
  asset_version_id: id,
  /** "reviewer": a person's decision in review; "checks": the automated checks decided alone (an image they rejected, or a tier that needs no review). */
  decided_by: z.enum(["reviewer", "checks"]),
  /** The review decision (null when the checks decided). */
  decision_id: id.nullable(),
  /** The check run that decided (null for a reviewer's decision). */
  check_run_id: id.nullable(),
  /** approve, approve_with_changes, request_changes or reject. */
  decision: z.enum(["approve", "approve_with_changes", "request_changes", "reject"]),
  reviewer_id: id.nullable(),
  owner_id: id,
  /** "KA-…": set when the asset is approved (every approval it needs is in). */
  approval_id: z.string().nullable(),
  reason_code: z.string().nullable(),
  comment: z.string().nullable(),
});

const alert = z.object({
  alert_event_id: id,
  rule_id: id,
  rule_name: z.string(),
  /** endpoint_error_rate, generation_p95, review_backlog_age or spend_rate. */
  kind: z.enum(["endpoint_error_rate", "generation_p95", "review_backlog_age", "spend_rate"]),
  /** The GPU endpoint the rule watches (null: every endpoint, or a kind without one). */
  provider_id: id.nullable(),
  /** Both in `unit`: percent, milliseconds, minutes or micros_per_hour (micro-dollars per hour). */
  threshold: z.number(),
  value: z.number().nullable(),
  unit: z.enum(["percent", "milliseconds", "minutes", "micros_per_hour"]),
  window_minutes: z.number().int(),
  /** The plain-words message the admins were shown. */
  message: z.string(),
  firing_since: iso.nullable(),
});

export const WEBHOOK_EVENTS = {
  "generation.succeeded": z.object({ generation_id: id, batch_id: id, asset_id: id.nullable(), user_id: id }),
  "generation.failed": z.object({
    generation_id: id,
    batch_id: id,
    user_id: id,
    error_code: z.string(),
    error_message: z.string(),
  }),
  "batch.completed": z.object({
    batch_id: id,
    user_id: id,
    total: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
  }),
  "asset.approved": decision,
  "asset.rejected": decision,
  "asset.changes_requested": decision,
  "export.ready": z.object({
    export_id: id,
    name: z.string(),
    user_id: id,
    files: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string(),
    expires_at: iso,
  }),
  "budget.threshold": z.object({
    budget_id: id,
    /** soft: the alert percentage was passed; exhausted: the money or image limit is used up. */
    level: z.enum(["soft", "exhausted"]),
    scope: z.string(),
    scope_key: z.string(),
    period: z.string(),
    period_start: iso,
    spent_micros: z.number().int(),
    limit_micros: z.number().int().nullable(),
    images: z.number().int(),
    limit_images: z.number().int().nullable(),
    currency: z.literal("usd"),
  }),
  "asset.rights_expiring": z.object({
    asset_id: id,
    owner_id: id,
    title: z.string().nullable(),
    rights_expires_at: iso,
  }),
  "alert.fired": alert,
  "alert.resolved": alert,
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export type WebhookEventData<T extends WebhookEventType> = z.infer<(typeof WEBHOOK_EVENTS)[T]>;

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

/** What each event means, for the console's checklist. */
export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  "generation.succeeded": "An image was generated",
  "generation.failed": "A generation failed for good (dead-lettered)",
  "batch.completed": "Every generation of a batch has finished",
  "asset.approved": "An asset was approved (its approval id is set)",
  "asset.rejected": "An asset was rejected",
  "asset.changes_requested": "A reviewer requested changes",
  "export.ready": "An export ZIP is ready to download",
  "budget.threshold": "A budget passed its alert level or is used up",
  "asset.rights_expiring": "An asset's usage rights end within a week",
  "alert.fired": "An alert rule started firing (admins' endpoints only)",
  "alert.resolved": "A firing alert rule is back to normal (admins' endpoints only)",
};

/** Sent only by "Send test event"; never subscribed to. */
export const TEST_EVENT_TYPE = "webhook.test";
export const testEventData = z.object({ endpoint_id: id, message: z.string() });

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]], {
  error: `Unknown event type. Choose from: ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
});

/** The body of every delivery. */
export type WebhookBody = { type: string; timestamp: string; data: Record<string, unknown> };
