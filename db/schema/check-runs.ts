import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { assetVersions } from "./assets";
import { users } from "./users";

export const checkVerdictEnum = pgEnum("check_verdict", ["pass", "warn", "fail"]);
export const checkRunStatusEnum = pgEnum("check_run_status", ["running", "decided"]);

/**
 * One pass of the automated checks over one asset version: the thresholds in force (snapshot),
 * then the decision. A re-check after a threshold change is a new run; the newest run counts.
 */
export const checkRuns = pgTable(
  "check_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assetVersionId: uuid("asset_version_id")
      .notNull()
      .references(() => assetVersions.id),
    /** "generated" (a new image), "edited" (a new version), "recheck" (an admin asked). */
    trigger: text("trigger").notNull(),
    thresholds: jsonb("thresholds").$type<Record<string, number>>().notNull(),
    status: checkRunStatusEnum("status").notNull().default("running"),
    /** Worst verdict over the checks; "warn" also when a check errored (fail closed). */
    verdict: checkVerdictEnum("verdict"),
    reasonCode: text("reason_code"),
    /**
     * The image's hash, for the near-duplicate and style checks of later images: the 64-bit pHash (hex),
     * then ":" and a 4×4 grid of mean colours (imageHash in lib/checks/classical/phash.ts). Hashes stored
     * before duplicate check v2 are the bare pHash.
     */
    phash: text("phash"),
    requestedBy: uuid("requested_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("check_runs_version_idx").on(t.assetVersionId, t.createdAt)],
);

export type CheckRun = typeof checkRuns.$inferSelect;

/** One check's result within a run. `error` set means the check threw: the run goes to a human. */
export const checkResults = pgTable(
  "check_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    checkRunId: uuid("check_run_id")
      .notNull()
      .references(() => checkRuns.id),
    checkId: text("check_id").notNull(),
    checkVersion: integer("check_version").notNull(),
    score: doublePrecision("score"),
    threshold: doublePrecision("threshold"),
    verdict: checkVerdictEnum("verdict").notNull(),
    reasonCode: text("reason_code"),
    detail: text("detail").notNull(),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("check_results_run_check_key").on(t.checkRunId, t.checkId)],
);

export type CheckResult = typeof checkResults.$inferSelect;
