import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only, hash-chained. A trigger (see the migration) refuses UPDATE, DELETE and TRUNCATE;
 * lib/audit is the only writer.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    actorId: uuid("actor_id"),
    /** Snapshot of who acted, so the record reads the same after the user changes. */
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    ip: text("ip"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_action_idx").on(t.action, t.seq),
    index("audit_events_subject_idx").on(t.subjectType, t.subjectId),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
