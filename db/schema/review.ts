import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { assets, assetVersions } from "./assets";
import { users } from "./users";

/** The reasons a reviewer picks from when rejecting; admin-managed, seeded with the legal team's usual list. */
export const rejectReasons = pgTable(
  "reject_reasons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    code: text("code").notNull(),
    label: text("label").notNull(),
    position: integer("position").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("reject_reasons_code_key").on(t.code)],
);

export type RejectReason = typeof rejectReasons.$inferSelect;

export const REVIEW_DECISIONS = ["approve", "approve_with_changes", "request_changes", "reject"] as const;
export const reviewDecisionEnum = pgEnum("review_decision", REVIEW_DECISIONS);
export type ReviewDecisionKind = (typeof REVIEW_DECISIONS)[number];

/** One reviewer's decision on one version of an asset. Undone decisions stay, marked. */
export const reviewDecisions = pgTable(
  "review_decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id),
    assetVersionId: uuid("asset_version_id")
      .notNull()
      .references(() => assetVersions.id),
    reviewerId: uuid("reviewer_id")
      .notNull()
      .references(() => users.id),
    decision: reviewDecisionEnum("decision").notNull(),
    reasonCode: text("reason_code"),
    comment: text("comment"),
    /** Set when this decision completed an approval (e.g. KA-7F3K9Q2M), also written on the asset. */
    approvalId: text("approval_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp("undone_at", { withTimezone: true }),
  },
  (t) => [
    index("review_decisions_asset_idx").on(t.assetId, t.createdAt),
    index("review_decisions_reviewer_idx").on(t.reviewerId, t.createdAt),
  ],
);

export type ReviewDecision = typeof reviewDecisions.$inferSelect;

/** A reviewer's hold on an asset so two reviewers do not work the same one; it expires. */
export const reviewClaims = pgTable(
  "review_claims",
  {
    assetId: uuid("asset_id")
      .primaryKey()
      .references(() => assets.id),
    reviewerId: uuid("reviewer_id")
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("review_claims_reviewer_idx").on(t.reviewerId, t.expiresAt)],
);

/** What a user is told: a decision on their asset, with its comment or reason. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    assetId: uuid("asset_id").references(() => assets.id),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);

export type Notification = typeof notifications.$inferSelect;
