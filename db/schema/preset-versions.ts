import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { PriceModel } from "@/lib/costs/estimate";
import type { Lora } from "@/lib/providers/types";
import { presets } from "./presets";
import { providers } from "./providers";
import { users } from "./users";

export type PresetParams = { width: number; height: number; steps: number; sampler: string; cfgScale: number };
/** Check thresholds per check id (used by the automated checks); empty means the tier's defaults. */
export type CheckThresholds = Record<string, number>;

/** Immutable: never updated after insert. Every generation records the version that made it. */
export const presetVersions = pgTable(
  "preset_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    presetId: uuid("preset_id")
      .notNull()
      .references(() => presets.id),
    version: integer("version").notNull(),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id),
    /** Version-pinned model identifier (never a floating "latest"). */
    model: text("model").notNull(),
    loras: jsonb("loras").$type<Lora[]>().notNull().default([]),
    params: jsonb("params").$type<PresetParams>().notNull(),
    priceModel: jsonb("price_model").$type<PriceModel>().notNull(),
    checkThresholds: jsonb("check_thresholds").$type<CheckThresholds>().notNull().default({}),
    /** How many times a row's image rejected by the checks is re-generated with a new seed (0 = never). */
    rerollLimit: integer("reroll_limit").notNull().default(0),
    note: text("note"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("preset_versions_preset_version_key").on(t.presetId, t.version)],
);

export type PresetVersion = typeof presetVersions.$inferSelect;
