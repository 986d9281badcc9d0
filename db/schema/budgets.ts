import {
  bigint,
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./users";

export const BUDGET_SCOPES = ["campaign", "team", "user"] as const;
export const budgetScopeEnum = pgEnum("budget_scope", BUDGET_SCOPES);
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export const BUDGET_PERIODS = ["day", "week", "month", "quarter"] as const;
export const budgetPeriodEnum = pgEnum("budget_period", BUDGET_PERIODS);
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/**
 * A spend limit (micro-dollars) and/or an image quota for one campaign, team or user per calendar
 * period (UTC). Checked when work is queued and again before every provider call.
 */
export const budgets = pgTable(
  "budgets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scope: budgetScopeEnum("scope").notNull(),
    /** The campaign name, or the team's or user's id. */
    scopeKey: text("scope_key").notNull(),
    period: budgetPeriodEnum("period").notNull(),
    limitMicros: bigint("limit_micros", { mode: "number" }),
    limitImages: integer("limit_images"),
    /** Alert the owners when spend crosses this share of the limit. */
    softLimitPercent: integer("soft_limit_percent").notNull().default(80),
    /** Stop-loss: pause the campaign when the reject rate (percent) over the last N decided assets reaches this. */
    stopLossRejectPercent: integer("stop_loss_reject_percent"),
    stopLossWindow: integer("stop_loss_window"),
    active: boolean("active").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("budgets_scope_period_key").on(t.scope, t.scopeKey, t.period)],
);

export type Budget = typeof budgets.$inferSelect;

/** One alert per budget, period and level, so a crossing is announced once. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    budgetId: uuid("budget_id")
      .notNull()
      .references(() => budgets.id),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    level: text("level").notNull(), // soft | exhausted | stop_loss
    spentMicros: bigint("spent_micros", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("budget_alerts_once_key").on(t.budgetId, t.periodStart, t.level)],
);

/** A paused campaign (stop-loss or an admin): its queued work waits, nothing is dropped. */
export const campaignHolds = pgTable(
  "campaign_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaign: text("campaign").notNull(),
    reason: text("reason").notNull(), // stop_loss | manual
    detail: text("detail"),
    heldBy: uuid("held_by").references(() => users.id),
    heldAt: timestamp("held_at", { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    releasedBy: uuid("released_by").references(() => users.id),
  },
  (t) => [index("campaign_holds_campaign_idx").on(t.campaign, t.releasedAt)],
);

export type CampaignHold = typeof campaignHolds.$inferSelect;
