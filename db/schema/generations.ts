import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import type { Rendition } from "./uploads";
import { assets, assetVersions } from "./assets";
import { batches } from "./batches";
import { presetVersions } from "./preset-versions";
import { tierEnum } from "./presets";
import { templateVersions } from "./template-versions";
import { users } from "./users";

export const generationStatusEnum = pgEnum("generation_status", [
  "queued",
  "running",
  "succeeded",
  "dead_lettered",
  "cancelled",
]);

/** Everything needed to reproduce and audit one image; filled in as the generation runs. */
export type GenerationMetadata = {
  provider: { id: string; kind: string; name: string };
  model: string;
  loras: { name: string; weight: number }[];
  params: {
    width: number;
    height: number;
    steps: number;
    sampler: string;
    cfgScale: number;
    referenceStrength?: number;
  };
  timings?: { queuedMs: number; providerMs: number };
  providerRequestId?: string;
};

export const generations = pgTable(
  "generations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    /** The CSV line (or 1 for a form) and which variant / aspect ratio of that row this is. */
    rowLine: integer("row_line").notNull(),
    variantIndex: integer("variant_index").notNull(),
    tier: tierEnum("tier").notNull(),
    presetVersionId: uuid("preset_version_id")
      .notNull()
      .references(() => presetVersions.id),
    templateVersionId: uuid("template_version_id")
      .notNull()
      .references(() => templateVersions.id),
    values: jsonb("values").$type<Record<string, string | number>>().notNull(),
    /** The row's CSV columns that are not template variables (SKU, category, …); copied to the asset's metadata. */
    carriedColumns: jsonb("carried_columns").$type<Record<string, string>>().notNull().default({}),
    /** The template's title pattern rendered for this row (empty when the template has none); the asset takes it. */
    title: text("title").notNull().default(""),
    /** Set when the generation reruns an asset exactly (same template version, preset version, values, maybe seed). */
    originAssetId: uuid("origin_asset_id").references((): AnyPgColumn => assets.id),
    /** An image the endpoint starts from (img2img / ControlNet): an asset version, e.g. an uploaded reference. */
    referenceVersionId: uuid("reference_version_id").references((): AnyPgColumn => assetVersions.id),
    prompt: text("prompt").notNull(),
    negativePrompt: text("negative_prompt").notNull(),
    seed: integer("seed").notNull(),
    /** Set on an automatic re-roll: the generation whose image the checks rejected (lineage for costs). */
    rerollOf: uuid("reroll_of").references((): AnyPgColumn => generations.id),
    /** 0 for the first attempt at a row's variant, n for its n-th re-roll. */
    rerollDepth: integer("reroll_depth").notNull().default(0),
    /** The first generation of this row's lineage (null on that root itself); re-rolls copy it, so finance sums a lineage in one index scan. */
    lineageRootId: uuid("lineage_root_id").references((): AnyPgColumn => generations.id),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    status: generationStatusEnum("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** Reason code the user sees when dead-lettered (e.g. provider_unavailable, content_filtered). */
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    blobKey: text("blob_key"),
    renditions: jsonb("renditions").$type<Record<string, Rendition>>().notNull().default({}),
    metadata: jsonb("metadata").$type<GenerationMetadata>(),
    /** The provider's own time for the image, ms (= metadata.timings.providerMs); set with it on success. The latency percentiles read it. */
    providerMs: integer("provider_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("generations_batch_idx").on(t.batchId, t.status),
    index("generations_owner_idx").on(t.ownerId, t.createdAt),
    index("generations_reroll_of_idx").on(t.rerollOf),
    index("generations_lineage_root_idx").on(t.lineageRootId),
    /** The asset page's pending reruns of an asset (migration 0019). */
    index("generations_origin_asset_idx")
      .on(t.originAssetId)
      .where(sql`${t.originAssetId} is not null`),
    /** Operations dashboard: generations finished in a range (per hour, latency, errors, dead letters). */
    index("generations_finished_idx").on(t.finishedAt),
    /** Operations latency percentiles (migration 0018): succeeded with a provider time, by finish; the SQL adds INCLUDE (preset_version_id, provider_ms). */
    index("generations_provider_latency_idx")
      .on(t.finishedAt)
      .where(sql`${t.status} = 'succeeded' and ${t.providerMs} is not null`),
    /** Budgets at queue time: a scope's queued and running work (its estimate is committed money); small, only unfinished rows. */
    index("generations_unfinished_idx")
      .on(t.batchId)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);

export type Generation = typeof generations.$inferSelect;
