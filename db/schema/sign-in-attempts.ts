import { bigserial, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Every sign-in attempt, kept for rate limiting (by email and by address). */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_email_idx").on(t.email, t.at), index("sign_in_attempts_ip_idx").on(t.ip, t.at)],
);

export type SignInAttempt = typeof signInAttempts.$inferSelect;
