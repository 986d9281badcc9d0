import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * One row per sign-in. The session cookie carries this id; the guard refuses a cookie whose row
 * is missing or revoked, so signing out ends that session on the server, not only in the browser.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** How the user signed in: password or oidc. */
    method: text("method").notNull(),
    /** Validated client address at sign-in (never free text). */
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** signed_out (this session) or signed_out_everywhere. */
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user_idx").on(t.userId, t.createdAt)],
);

export type Session = typeof sessions.$inferSelect;
