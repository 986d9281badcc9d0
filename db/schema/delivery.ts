import { sql } from "drizzle-orm";
import {
  boolean,
  check,
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
import { assets, assetVersions } from "./assets";
import { collections } from "./collections";
import { providers } from "./providers";
import { users } from "./users";

/** Formats a rendition or download can be written in. */
export const DELIVERY_FORMATS = ["webp", "avif", "jpeg", "png"] as const;
export type DeliveryFormat = (typeof DELIVERY_FORMATS)[number];

/**
 * Where text may not go, as fractions of the placement's width/height kept clear on each side
 * (e.g. Meta stories keep the top 14 % and bottom 20 % free of text). The preview draws it.
 */
export type SafeZone = { top: number; right: number; bottom: number; left: number };

/**
 * A named rendition preset (admin-managed): the size a channel publishes at. Seeded by migration
 * 0012 with the published Meta, Google Display and TikTok specs; `custom` placements are the
 * admin's own. Archived placements stay for old exports' manifests but are not offered.
 */
export const placements = pgTable(
  "placements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** meta, google, tiktok, custom: groups the export dialog's choices. */
    channel: text("channel").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    safeZone: jsonb("safe_zone").$type<SafeZone>().notNull().default({ top: 0, right: 0, bottom: 0, left: 0 }),
    defaultFormat: text("default_format").$type<DeliveryFormat>().notNull().default("webp"),
    /** 1–100, for the lossy formats. */
    defaultQuality: integer("default_quality").notNull().default(82),
    sortOrder: integer("sort_order").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("placements_slug_key").on(t.slug)],
);
export type Placement = typeof placements.$inferSelect;

/**
 * Renditions are pure functions of their inputs (the immutable version, the crop box and size, the
 * format and quality, the metadata written into them), so each is stored once under a key derived
 * from the hash of those inputs (`renditions/<hash>.<ext>`) and reused by every later export,
 * download and share link. `lastUsedAt` lets an operator prune cold ones.
 */
export const renditionCache = pgTable(
  "rendition_cache",
  {
    /** sha256 (hex) of the canonical JSON of the inputs: see lib/delivery/rendition-key.ts. */
    inputHash: text("input_hash").primaryKey(),
    versionId: uuid("version_id")
      .notNull()
      .references(() => assetVersions.id),
    blobKey: text("blob_key").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    /** sha256 (hex) of the file's bytes: the manifest lists it. */
    sha256: text("sha256").notNull(),
    /** Whether the file carries a signed C2PA content credential (decision 0021); unsigned when the format or source does not allow one. */
    contentCredential: boolean("content_credential").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rendition_cache_version_idx").on(t.versionId)],
);
export type RenditionCacheRow = typeof renditionCache.$inferSelect;

export const EXPORT_STATUSES = ["queued", "running", "succeeded", "failed", "expired"] as const;
export const exportStatusEnum = pgEnum("export_status", EXPORT_STATUSES);
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** An asset the export left out, and why (in words a person reads): "no confirmed alt text", "not approved", "rights expired on …". */
export type HeldBackAsset = { assetId: string; title: string; reasons: string[] };
/** What was asked for, kept as asked, plus the assets it resolved to when created (`items`). */
export type ExportRequest = {
  selection: { assetIds: string[] } | { query: string } | { collectionId: string } | { batchId: string };
  placementIds: string[];
  formats: DeliveryFormat[];
  /** Per format, 1–100; missing means the placement's default. */
  quality: Partial<Record<DeliveryFormat, number>>;
  /** Include the approved version as delivered (full size, original format) beside the placements. */
  includeOriginal: boolean;
  /**
   * The selection as resolved when the export was created, with the creator's visibility: the
   * assets included and the version of each (pinned, so a later edit does not change the ZIP).
   */
  items?: { assetId: string; versionId: string }[];
};

/**
 * An export job: selection × placements × formats → one ZIP with a manifest (CSV and JSON), built by
 * a background function with progress, downloadable by its creator until `expiresAt`.
 */
export const exportJobs = pgTable(
  "export_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull().default(""),
    request: jsonb("request").$type<ExportRequest>().notNull(),
    status: exportStatusEnum("status").notNull().default("queued"),
    /** Files planned (assets included × placements × formats) and written so far: the progress bar. */
    filesTotal: integer("files_total").notNull().default(0),
    filesDone: integer("files_done").notNull().default(0),
    assetsIncluded: integer("assets_included").notNull().default(0),
    heldBack: jsonb("held_back").$type<HeldBackAsset[]>().notNull().default([]),
    blobKey: text("blob_key"),
    bytes: integer("bytes"),
    sha256: text("sha256"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** After this the ZIP is deleted and the download refused. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    index("export_jobs_creator_idx").on(t.createdBy, t.createdAt),
    index("export_jobs_expires_idx").on(t.expiresAt),
  ],
);
export type ExportJob = typeof exportJobs.$inferSelect;

/**
 * A link for someone outside Kiln to see an asset or a collection (approved assets only). The token
 * is shown once and stored as its sha256; an optional password is stored as a scrypt hash. Every
 * view is audited (share_link.viewed). Expiry is required.
 */
export const shareLinks = pgTable(
  "share_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the token, to tell links apart in lists ("kSh_4f9a…"). */
    tokenHint: text("token_hint").notNull(),
    assetId: uuid("asset_id").references(() => assets.id),
    collectionId: uuid("collection_id").references(() => collections.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    label: text("label").notNull().default(""),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    passwordHash: text("password_hash"),
    allowDownload: boolean("allow_download").notNull().default(false),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
    viewCount: integer("view_count").notNull().default(0),
    lastViewedAt: timestamp("last_viewed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("share_links_token_key").on(t.tokenHash),
    index("share_links_asset_idx").on(t.assetId),
    index("share_links_collection_idx").on(t.collectionId),
    index("share_links_creator_idx").on(t.createdBy, t.createdAt),
    check("share_links_one_target", sql`(${t.assetId} is null) <> (${t.collectionId} is null)`),
  ],
);
export type ShareLink = typeof shareLinks.$inferSelect;

/** Which engine drafts alt text for this installation (one row, id = 1): simulator/A1111 interrogate, OpenAI vision, Replicate captioning, or none. */
export const altTextSettings = pgTable("alt_text_settings", {
  id: integer("id").primaryKey().default(1),
  /** "off" | "a1111_interrogate" | "openai_vision" | "replicate_caption". */
  engine: text("engine").notNull().default("off"),
  providerId: uuid("provider_id").references(() => providers.id),
  /** Model name for engines that take one (e.g. an OpenAI vision model, a Replicate model version). */
  model: text("model"),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AltTextSetting = typeof altTextSettings.$inferSelect;

/**
 * Keys this installation generates for itself (e.g. the C2PA signing key and its certificate). The
 * private key is sealed with the installation secret (lib/crypto/secret-box); never leaves the server.
 */
export const installationKeys = pgTable("installation_keys", {
  purpose: text("purpose").primaryKey(),
  algorithm: text("algorithm").notNull(),
  privateKeySealed: text("private_key_sealed").notNull(),
  /** PEM chain, leaf first. */
  certificatePem: text("certificate_pem").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
