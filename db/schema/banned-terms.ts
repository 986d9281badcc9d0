import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/** Admin-managed; every rendered prompt and variable is screened against it before GPU time. */
export const bannedTerms = pgTable(
  "banned_terms",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    term: text("term").notNull(),
    category: text("category").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("banned_terms_term_key").on(t.term)],
);

export type BannedTerm = typeof bannedTerms.$inferSelect;
