import { boolean, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { teams } from "./teams";

export const roleEnum = pgEnum("role", ["admin", "designer", "reviewer", "finance"]);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-cased; the unique index makes sign-in case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    /** Null for users who only sign in through OIDC. */
    passwordHash: text("password_hash"),
    active: boolean("active").notNull().default(true),
    /** The team whose budgets and quotas this user's work counts against; designers see their team's costs. */
    teamId: uuid("team_id").references(() => teams.id),
    /** A designer allowed to see every team's costs (finance and admins always can). */
    costsAllTeams: boolean("costs_all_teams").notNull().default(false),
    /** Bumped on deactivation and role change; sessions carrying an older value stop working. */
    sessionVersion: integer("session_version").notNull().default(0),
    /** A service account (made by an admin for API tokens): it never signs in; its tokens act with its role. */
    serviceAccount: boolean("service_account").notNull().default(false),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Role = (typeof roleEnum.enumValues)[number];
export const ROLES = roleEnum.enumValues;
