import {
  bigint,
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
import { templateVersions } from "./template-versions";
import { users } from "./users";

export const batchStatusEnum = pgEnum("batch_status", ["queued", "running", "completed", "cancelled"]);

/**
 * How a batch was set up. `reference`: the image every generation of the batch starts from
 * (img2img / ComfyUI LoadImage) and how far the endpoint may move away from it (denoising strength).
 */
export type BatchSettings = {
  variantsPerRow: number;
  aspectRatios: { width: number; height: number }[];
  reference?: { versionId: string; strength: number };
};

/** One queue action: a single prompt or a CSV of rows; each row × variant × ratio is a generation. */
export const batches = pgTable(
  "batches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    /** Sent by the client with the form; a double click or a retried request queues once. */
    idempotencyKey: text("idempotency_key").notNull(),
    name: text("name").notNull(),
    campaign: text("campaign"),
    templateVersionId: uuid("template_version_id")
      .notNull()
      .references(() => templateVersions.id),
    source: text("source").notNull(), // "form" | "csv" | "rerun"
    status: batchStatusEnum("status").notNull().default("queued"),
    total: integer("total").notNull(),
    estimateMicros: bigint("estimate_micros", { mode: "number" }).notNull(),
    estimateSeconds: integer("estimate_seconds").notNull(),
    settings: jsonb("settings").$type<BatchSettings>().notNull(),
    /** CSV rows left out at queue time, with why (the first 1,000; skippedCount has them all). */
    skippedRows: jsonb("skipped_rows").$type<SkippedRow[]>().notNull().default([]),
    skippedCount: integer("skipped_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("batches_owner_idempotency_key").on(t.ownerId, t.idempotencyKey),
    index("batches_owner_created_idx").on(t.ownerId, t.createdAt),
  ],
);

export type Batch = typeof batches.$inferSelect;

/** A CSV row that was not queued: its line in the file and each problem, as validate-rows words them. */
/**
 * `cells`: the row's [header, value] pairs in the file's column order (capped), so the error CSV can
 * give the row back (pairs, not an object: jsonb does not keep key order).
 */
export type SkippedRow = { line: number; reasons: string[]; cells?: [string, string][] };
