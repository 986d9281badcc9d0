import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { altTextStatusEnum, assets, assetSourceEnum, assetStatusEnum } from "./assets";
import { checkVerdictEnum } from "./check-runs";
import { tierEnum } from "./presets";

/** PostgreSQL's text-search document; written by lib/library (to_tsvector), never parsed in JS. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * The library's read model: one row per asset, holding the full-text document and every facet as a
 * plain indexed column, so a search touches one table. lib/library/refresh.ts rewrites a row whenever
 * something about its asset changes (creation, checks, review, notes, tags, edits).
 */
export const assetSearch = pgTable(
  "asset_search",
  {
    assetId: uuid("asset_id")
      .primaryKey()
      .references(() => assets.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id").notNull(),
    teamId: uuid("team_id"),
    status: assetStatusEnum("status").notNull(),
    source: assetSourceEnum("source").notNull(),
    tier: tierEnum("tier"),
    title: text("title").notNull().default(""),
    campaign: text("campaign"),
    batchId: uuid("batch_id"),
    presetId: uuid("preset_id"),
    presetVersionId: uuid("preset_version_id"),
    templateId: uuid("template_id"),
    templateVersionId: uuid("template_version_id"),
    providerId: uuid("provider_id"),
    model: text("model"),
    loras: text("loras")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    reviewerIds: uuid("reviewer_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    checkVerdict: checkVerdictEnum("check_verdict"),
    /**
     * Reason codes of the checks that failed or warned on the current version, plus the codes of the
     * status reason (a reviewer's reject reason, the checks' "blur, nsfw"): `reason:` and `rejected:` use this one GIN index.
     */
    checkReasons: text("check_reasons")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The asset's last rejection reason (check or reviewer), as on assets.status_reason. */
    statusReason: text("status_reason"),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    width: integer("width"),
    height: integer("height"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    altTextStatus: altTextStatusEnum("alt_text_status").notNull().default("none"),
    rightsExpiresAt: timestamp("rights_expires_at", { withTimezone: true }),
    document: tsvector("document").notNull(),
    /**
     * What names the asset, as plain text: title, carried CSV column values (SKU…), batch name,
     * upload filename. The trigram index on it answers fragments (`*0042`, `KLN-004*`) that
     * full-text tokens cannot: "KLN-004" is no prefix of any lexeme of "KLN-0042".
     */
    identity: text("identity").notNull().default(""),
    indexedAt: timestamp("indexed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // fastupdate off: rows arrive one upsert at a time, and a GIN pending list would be scanned by every
    // query until a vacuum flushes it — PGlite runs no autovacuum, so it would grow to 4 MB and stay.
    index("asset_search_document_idx").using("gin", t.document).with({ fastupdate: false }),
    index("asset_search_loras_idx").using("gin", t.loras).with({ fastupdate: false }),
    index("asset_search_tags_idx").using("gin", t.tags).with({ fastupdate: false }),
    index("asset_search_check_reasons_idx").using("gin", t.checkReasons).with({ fastupdate: false }),
    index("asset_search_identity_trgm_idx").using("gin", t.identity.op("gin_trgm_ops")).with({ fastupdate: false }),
    index("asset_search_created_idx").on(t.createdAt, t.assetId),
    index("asset_search_owner_created_idx").on(t.ownerId, t.createdAt),
    index("asset_search_status_created_idx").on(t.status, t.createdAt),
    index("asset_search_campaign_idx").on(t.campaign),
    index("asset_search_template_idx").on(t.templateId),
    index("asset_search_preset_idx").on(t.presetId),
    index("asset_search_model_idx").on(t.model),
    index("asset_search_approved_idx").on(t.approvedAt),
    index("asset_search_rights_expires_idx").on(t.rightsExpiresAt),
  ],
);

export type AssetSearchRow = typeof assetSearch.$inferSelect;
