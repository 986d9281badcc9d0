import { pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const TIERS = ["draft", "support", "hero"] as const;
export const tierEnum = pgEnum("tier", TIERS);
export type Tier = (typeof TIERS)[number];

/**
 * A preset's identity; its content lives in immutable preset_versions. Editing adds a version,
 * rollback moves the active pointer.
 */
export const presets = pgTable(
  "presets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    tier: tierEnum("tier").notNull(),
    /** Null only between the preset's creation and its first version, inside one transaction. */
    activeVersionId: uuid("active_version_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("presets_slug_key").on(t.slug)],
);

export type Preset = typeof presets.$inferSelect;
