import {
  bigint,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  index,
} from "drizzle-orm/pg-core";
import { assets, assetVersions } from "./assets";
import type { PriceModel } from "@/lib/costs/estimate";
import { providers } from "./providers";
import { users } from "./users";

export const EDIT_OPERATIONS = ["erase", "upscale", "remove_background", "restore"] as const;
export const editOperationEnum = pgEnum("edit_operation", EDIT_OPERATIONS);
export type EditOperation = (typeof EDIT_OPERATIONS)[number];

export const editStatusEnum = pgEnum("edit_status", ["queued", "running", "succeeded", "failed"]);

/**
 * One editor operation on one version of an asset, run as a background job. On success it adds a
 * new asset version (result_version_id); the source version is never changed.
 */
export const assetEdits = pgTable(
  "asset_edits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id),
    sourceVersionId: uuid("source_version_id")
      .notNull()
      .references(() => assetVersions.id),
    operation: editOperationEnum("operation").notNull(),
    /** Operation parameters (scale, background colour, …), validated by lib/editing. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    /** The painted mask (PNG, white = act here) for erase. */
    maskBlobKey: text("mask_blob_key"),
    /** The engine chosen from the admin's settings when the edit was requested. */
    engine: text("engine").notNull(),
    providerId: uuid("provider_id").references(() => providers.id),
    status: editStatusEnum("status").notNull().default("queued"),
    /** 0–100, written by the engine as it goes (tiles done, model steps). */
    progress: integer("progress").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    resultVersionId: uuid("result_version_id").references(() => assetVersions.id),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => users.id),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("asset_edits_idempotency_key").on(t.requestedBy, t.idempotencyKey),
    index("asset_edits_asset_idx").on(t.assetId, t.createdAt),
  ],
);

export type AssetEdit = typeof assetEdits.$inferSelect;

/** Which engine runs each editor operation (admin settings), and what it costs per call. */
export const editEngineSettings = pgTable("edit_engine_settings", {
  operation: editOperationEnum("operation").primaryKey(),
  engine: text("engine").notNull(),
  /** For remote engines: the GPU endpoint to call. */
  providerId: uuid("provider_id").references(() => providers.id),
  /** Price of one call (null: free, e.g. local CPU engines). */
  priceModel: jsonb("price_model").$type<PriceModel>(),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type EditEngineSetting = typeof editEngineSettings.$inferSelect;
