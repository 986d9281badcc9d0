import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { batches } from "./batches";
import { generations } from "./generations";
import { presetVersions } from "./preset-versions";
import { tierEnum } from "./presets";
import { uploads, type Rendition } from "./uploads";
import { users } from "./users";

/**
 * Where an asset stands. `checking` until the automated checks decide; then `rejected` (a check
 * failed), `in_review` (a human must look), or `approved` (tiers that need no review).
 * Review decisions move it on from `in_review`.
 */
export const ASSET_STATUSES = ["checking", "in_review", "approved", "rejected", "changes_requested"] as const;
export const assetStatusEnum = pgEnum("asset_status", ASSET_STATUSES);
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** Where an asset came from: a generation (generation, batch, preset and tier set) or an upload (uploadId set, those null). */
export const ASSET_SOURCES = ["generated", "uploaded"] as const;
export const assetSourceEnum = pgEnum("asset_source", ASSET_SOURCES);
export type AssetSource = (typeof ASSET_SOURCES)[number];

/**
 * Alt text's life: none; drafting (an engine is describing it); draft (words exist, a person has not
 * confirmed them); confirmed (a person stands behind them). Publishing exports need "confirmed".
 */
export const ALT_TEXT_STATUSES = ["none", "drafting", "draft", "confirmed"] as const;
export const altTextStatusEnum = pgEnum("alt_text_status", ALT_TEXT_STATUSES);
export type AltTextStatus = (typeof ALT_TEXT_STATUSES)[number];

/** The image a generation made (or a user uploaded), with its versions (edits) and where it stands in the pipeline. */
export const assets = pgTable(
  "assets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    source: assetSourceEnum("source").notNull().default("generated"),
    /** Null for uploaded assets (as are batch, tier and preset version). */
    generationId: uuid("generation_id").references(() => generations.id),
    batchId: uuid("batch_id").references(() => batches.id),
    /** Set for uploaded assets: the upload whose (stripped) bytes are version 1. */
    uploadId: uuid("upload_id").references(() => uploads.id),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    tier: tierEnum("tier"),
    presetVersionId: uuid("preset_version_id").references(() => presetVersions.id),
    /** What people call it: the template's title pattern over the row's values (e.g. "Trail shoe KLN-0042"), or the upload's filename. */
    title: text("title").notNull().default(""),
    /** Columns carried through from a CSV that are not template variables (SKU, category, …), kept and searchable. */
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    /** Set on an exact rerun: the asset whose template version, preset version, variables (and seed) were queued again. */
    originAssetId: uuid("origin_asset_id").references((): AnyPgColumn => assets.id),
    status: assetStatusEnum("status").notNull().default("checking"),
    /** Reason code of the last automated or human rejection (e.g. "blur", "nsfw"). */
    statusReason: text("status_reason"),
    currentVersionId: uuid("current_version_id").references((): AnyPgColumn => assetVersions.id),
    enteredReviewAt: timestamp("entered_review_at", { withTimezone: true }),
    /** Written when review approves the asset (every approval a tier needs); cleared when a new version needs review again. */
    approvalId: text("approval_id"),
    /** When the asset became usable (approved); cleared with the approval. Finance counts usable assets by it. */
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    /** When the asset was rejected (by the checks or a reviewer); cleared when it leaves "rejected". Finance's reject rate counts decisions by it. */
    rejectedAt: timestamp("rejected_at", { withTimezone: true }),
    /** The designer's rights and usage notes (licences of references, where the image may be used), shown to reviewers. */
    usageNotes: text("usage_notes"),
    /**
     * Where placements crop around, as fractions of the width and height (0–1) of any version (edits keep
     * the geometry's proportions). Null: sharp's attention strategy picks the crop.
     */
    focalX: real("focal_x"),
    focalY: real("focal_y"),
    altText: text("alt_text"),
    altTextStatus: altTextStatusEnum("alt_text_status").notNull().default("none"),
    /** Who wrote the current words: an engine ("a1111_interrogate", …) or "person". */
    altTextSource: text("alt_text_source"),
    altTextConfirmedBy: uuid("alt_text_confirmed_by").references(() => users.id),
    altTextConfirmedAt: timestamp("alt_text_confirmed_at", { withTimezone: true }),
    /** Usage rights: the licence (free text, e.g. "Getty RM 12345" or "own generation"), allowed channels, expiry. */
    rightsLicence: text("rights_licence"),
    rightsChannels: text("rights_channels").array(),
    /** After this moment the asset is flagged, and exports and share links refuse it. */
    rightsExpiresAt: timestamp("rights_expires_at", { withTimezone: true }),
    /** When the week-before notice went out for the current expiry (cleared when the expiry changes). */
    rightsNoticeSentAt: timestamp("rights_notice_sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("assets_rights_expires_idx").on(t.rightsExpiresAt),
    uniqueIndex("assets_generation_key").on(t.generationId),
    uniqueIndex("assets_upload_key").on(t.uploadId),
    index("assets_origin_idx").on(t.originAssetId),
    index("assets_batch_idx").on(t.batchId),
    index("assets_status_idx").on(t.status, t.enteredReviewAt),
    index("assets_preset_status_idx").on(t.presetVersionId, t.status),
    index("assets_approved_at_idx").on(t.approvedAt),
    index("assets_rejected_at_idx").on(t.rejectedAt),
    /** Cost breakdown: the assets made since a range's start, joined to that range's generation calls. */
    index("assets_created_idx").on(t.createdAt),
  ],
);

export type Asset = typeof assets.$inferSelect;

/** Immutable: an edit adds a version; the original is never overwritten. */
export const assetVersions = pgTable(
  "asset_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id),
    number: integer("number").notNull(),
    parentVersionId: uuid("parent_version_id").references((): AnyPgColumn => assetVersions.id),
    /** "generate" for the first version; the edit operation otherwise. */
    operation: text("operation").notNull(),
    blobKey: text("blob_key").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    renditions: jsonb("renditions").$type<Record<string, Rendition>>().notNull().default({}),
    createdBy: uuid("created_by").references(() => users.id),
    /** The editor operation that made this version (null for the original): its params, mask, engine and cost live there. */
    editId: uuid("edit_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("asset_versions_asset_number_key").on(t.assetId, t.number)],
);

export type AssetVersion = typeof assetVersions.$inferSelect;
